"""torch.autograd.profiler.profile / torch.profiler: the "Fundamentals of Autograd" tutorial profiles
`z = (z / x) * y` a thousand times and prints `prf.key_averages().table(sort_by='self_cpu_time_total')`."""
import sys

import pytest

import autograd_widgets as aw


def _run(T, n=50):
    T.manual_seed(0)
    x = T.randn(2, 3, requires_grad=True)
    y = T.rand(2, 3, requires_grad=True)
    z = T.ones(2, 3, requires_grad=True)
    with T.autograd.profiler.profile(use_cuda=False) as prf:
        for _ in range(n):
            z = (z / x) * y
        z.sum().backward()
    return prf


def _rows(table):
    lines = table.splitlines()
    return {line.split()[0]: line.split() for line in lines[3:-2]}


def test_counts_and_table_as_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _run(aw), _run(torch)
    ours_rows = {e.key: e.count for e in ours.key_averages()}
    theirs_rows = {e.key: e.count for e in theirs.key_averages()}
    for name in ("aten::div", "aten::mul", "aten::neg", "DivBackward0", "MulBackward0", "SumBackward0"):
        assert ours_rows[name] == theirs_rows[name], name
    assert ours_rows["torch::autograd::AccumulateGrad"] == theirs_rows["torch::autograd::AccumulateGrad"] == 3
    table, their_table = ours.key_averages().table(sort_by="self_cpu_time_total"), \
        theirs.key_averages().table(sort_by="self_cpu_time_total")
    assert table.splitlines()[1].split() == their_table.splitlines()[1].split()  # the column heads
    assert table.splitlines()[-1].startswith("Self CPU time total: ")
    selfs = [e.self_cpu_time_total for e in sorted(ours.key_averages(), key=lambda e: -e.self_cpu_time_total)]
    shown = [line.split()[0] for line in table.splitlines()[3:-2]]
    assert shown == [e.key for e in sorted(ours.key_averages(), key=lambda e: -e.self_cpu_time_total)]
    assert selfs == sorted(selfs, reverse=True)


def test_times_nest():
    """A backward function's total includes the ops it runs; its self time does not."""
    prf = _run(aw)
    rows = {e.key: e for e in prf.key_averages()}
    div = rows["DivBackward0"]
    assert div.cpu_time_total > div.self_cpu_time_total > 0
    assert rows["aten::div"].cpu_time_total == pytest.approx(rows["aten::div"].self_cpu_time_total)
    assert sum(e.self_cpu_time_total for e in prf.key_averages()) <= sum(e.cpu_time_total for e in prf.key_averages())


def test_record_function_and_torch_profiler_name():
    from autograd_widgets.profiler import ProfilerActivity, profile, record_function
    x = aw.ones(3, 3, requires_grad=True)
    before = sys.getprofile()
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("model_inference"):
            aw.tanh(x @ x.t())
    assert sys.getprofile() is before
    rows = {e.key: e for e in prof.key_averages()}
    assert rows["model_inference"].count == 1
    assert rows["model_inference"].cpu_time_total >= rows["aten::mm"].cpu_time_total
    assert {"aten::mm", "aten::tanh", "aten::t"} <= set(rows)
    aw.tanh(x)  # outside the block: not recorded
    assert rows["aten::tanh"].count == 1 and len(prof.key_averages()) == len(rows)
    assert "model_inference" in str(prof) and aw.profiler.profile is profile


def test_row_limit_and_disabled():
    prf = _run(aw, 5)
    assert len(prf.key_averages().table(sort_by="cpu_time_total", row_limit=2).splitlines()) == 3 + 2 + 2
    with aw.autograd.profiler.profile(enabled=False) as off:
        aw.ones(2) * 2
    assert len(off.key_averages()) == 0
