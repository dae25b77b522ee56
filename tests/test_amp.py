"""torch.amp (autocast, GradScaler) and torch.cuda.amp: the "Automatic Mixed Precision" loop runs as under PyTorch.

Without a GPU, autocast('cuda') and GradScaler('cuda') warn and disable themselves, as PyTorch's do; GradScaler
on 'cpu' scales, unscales, skips steps with inf/NaN gradients and grows or backs off its scale as PyTorch's;
an enabled autocast raises (this engine does not compute in float16/bfloat16 by itself)."""
import math
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets import backend as B

no_gpu = pytest.mark.skipif(B.cuda_device_count() > 0, reason="the answers without a GPU")


def amp_story(T):
    """A training loop as the AMP recipe writes it, then a GradScaler on the CPU through a skipped step, then
    the misuses; returns what it printed and the warnings it gave."""
    out = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        T.manual_seed(0)
        model = T.nn.Linear(4, 3)
        opt = T.optim.SGD(model.parameters(), lr=0.1)
        scaler = T.amp.GradScaler("cuda")
        x, y = T.randn(8, 4), T.randn(8, 3)
        for _ in range(3):
            opt.zero_grad()
            with T.autocast(device_type="cuda", dtype=T.float16):
                loss = T.nn.functional.mse_loss(model(x), y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            out.append(round(loss.item(), 6))
        out.append((scaler.get_scale(), scaler.is_enabled(), scaler.state_dict()))
        s = T.amp.GradScaler("cpu", init_scale=4.0, growth_interval=2)
        for i in range(5):
            opt.zero_grad()
            loss = T.nn.functional.mse_loss(model(x), y)
            if i == 2:
                loss = loss * float("inf")
            scaled = s.scale(loss)
            out.append((type(scaled.grad_fn).__name__, round(scaled.item(), 4)))
            scaled.backward()
            if i == 1:
                s.unscale_(opt)
                out.append([round(v, 6) for v in model.weight.grad.flatten().tolist()])
            out.append((s.step(opt), s.update(), s.get_scale(), s._get_growth_tracker(),
                        [round(v, 6) for v in model.weight.flatten().tolist()]))
        out.append(s.state_dict())
        out.append([type(v).__name__ for v in s.scale([loss, (loss, loss)])])
        for bad in (lambda: s.step(opt, closure=lambda: 0), lambda: (s.unscale_(opt), s.unscale_(opt)),
                    lambda: (s.step(opt), s.step(opt)), lambda: (s.update(), s.update()),
                    lambda: T.amp.GradScaler("cpu").step(opt), lambda: T.amp.GradScaler("cpu", growth_factor=0.5),
                    lambda: T.amp.GradScaler("cpu", backoff_factor=1.5),
                    lambda: T.amp.GradScaler("cpu").load_state_dict({}), lambda: T.autocast("gpu"),
                    lambda: s.scale(3.0)):
            try:
                bad()
                out.append("no error")
            except Exception as e:
                out.append((type(e).__name__, str(e).split("\n\n[autograd_widgets]")[0]))
        with T.cuda.amp.autocast():
            pass
        out.append(T.cuda.amp.GradScaler().is_enabled())

        @T.autocast("cuda")
        def double(a):
            return a * 2
        out.append(double(T.ones(2)).tolist())
        with T.autocast("cpu", enabled=False) as region:
            out.append((type(region).__name__, T.is_autocast_enabled()))
    out.append(sorted({(w.category.__name__, str(w.message).splitlines()[0]) for w in caught}))
    return out


@no_gpu
def test_amp_story_prints_what_pytorch_prints():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("PyTorch here has a GPU")
    ours, theirs = amp_story(aw), amp_story(torch)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a == b


def test_cpu_scaler_by_hand():
    """The scale's arithmetic without PyTorch: x·s before backward, grads ÷ s, a skipped step halves s, two good
    steps double it."""
    w = aw.tensor([1.0, -2.0], requires_grad=True)
    opt = aw.optim.SGD([w], lr=0.25)
    s = aw.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    scales, weights = [], []
    for i in range(4):
        opt.zero_grad()
        loss = (w * w).sum() * (math.inf if i == 1 else 1.0)
        scaled = s.scale(loss)
        assert scaled.item() == loss.item() * s.get_scale()
        scaled.backward()
        s.step(opt)
        s.update()
        scales.append(s.get_scale())
        weights.append(w.tolist())
    # w - 0.25·2w = w/2 on each step taken; step 1's gradients are inf: skipped, the scale halved; two good
    # steps after it double the scale again
    assert weights == [[0.5, -1.0], [0.5, -1.0], [0.25, -0.5], [0.125, -0.25]]
    assert scales == [8.0, 4.0, 4.0, 8.0]
    assert s.state_dict() == {"scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 2,
                              "_growth_tracker": 0}


def test_unscale_gives_the_true_gradient_for_clipping():
    rng = np.random.default_rng(3)
    w0 = rng.standard_normal(5).astype(np.float32)
    grads = []
    for scaler in (None, aw.amp.GradScaler("cpu", init_scale=1024.0)):
        w = aw.tensor(w0, requires_grad=True)
        opt = aw.optim.SGD([w], lr=0.1)
        loss = (w ** 3).sum()
        (scaler.scale(loss) if scaler else loss).backward()
        if scaler:
            scaler.unscale_(opt)
        grads.append(w.grad.numpy().copy())
    np.testing.assert_array_equal(grads[0], grads[1])  # 1024 is a power of two: exact


def test_fp16_gradients_are_refused_and_enabled_autocast_explains():
    w = aw.tensor([1.0, 2.0], dtype=aw.float16, requires_grad=True)
    s = aw.amp.GradScaler("cpu")
    s.scale((w * w).sum()).backward()
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients."):
        s.unscale_(aw.optim.SGD([w], lr=0.1))
    with pytest.raises(NotImplementedError, match="autocast on 'cpu' is not available") as e:
        aw.autocast("cpu")
    assert "enabled=False" in str(e.value)


@no_gpu
def test_cuda_autocast_without_a_gpu_warns_and_runs_the_region():
    with pytest.warns(UserWarning, match="CUDA is not available or torch_xla is imported. Disabling autocast."):
        region = aw.autocast("cuda")
    with region:
        y = aw.ones(2) * 3
    assert y.tolist() == [3.0, 3.0] and y.dtype == aw.float32
