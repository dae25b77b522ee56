"""Learners' programs (tests/programs/) print under autograd_widgets what they print under PyTorch.

Each program is copied from public teaching material (its first comment names the source and what was
changed to run offline and fast). It runs in a subprocess twice: as is, under real PyTorch (the oracle),
and with `torch` resolved to autograd_widgets (tests/programs/_as_autograd_widgets.py maps `torch` and
every `torch.<sub>` import onto the package). A few programs that import nothing but `torch` also run
rewritten to `import autograd_widgets as torch`, the README's promise taken literally.

The printed outputs are compared line by line, token by token: numbers within RTOL relative (or ATOL,
or one unit of the last printed digit, since a value on a rounding boundary may print either way),
integers exactly, every other token exactly. Whitespace between tokens and object addresses
(`<AddBackward0 object at 0x7f...>`) are not compared.
"""
import difflib
import os
import re
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS_DIR = ROOT / "tests" / "programs"
LAUNCHER = PROGRAMS_DIR / "_as_autograd_widgets.py"
PROGRAMS = sorted(p.name for p in PROGRAMS_DIR.glob("*.py") if not p.name.startswith("_"))
# Programs whose only PyTorch import is a plain `import torch`.
TEXTUAL = ["blitz_autograd_2019.py", "d2l_autograd.py", "lpe_polynomial_custom_function.py",
           "lpe_polynomial_tensor.py", "micrograd_test_engine.py"]

RTOL = 1e-4
ATOL = 1e-6  # rounding noise of values that are mathematically 0 (e.g. the even terms of an odd fit)
TIMEOUT_S = 300

NUMBER = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
TOKEN = re.compile(rf"(?P<number>{NUMBER})|(?P<word>[A-Za-z_][A-Za-z_0-9]*)|(?P<mark>\S)")
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def tokens(line: str) -> list[tuple[str, str]]:
    """(kind, text) of each token of a printed line; kind is 'number', 'word' or 'mark'."""
    return [(m.lastgroup, m.group()) for m in TOKEN.finditer(ADDRESS.sub("", line))]


def last_digit_unit(text: str) -> float:
    """The value of one unit in the last printed digit of a decimal number ('2.252' -> 0.001)."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def same_number(a: str, b: str) -> bool:
    if not any(c in a + b for c in ".eE"):  # integers: counts, shapes, steps
        return int(a) == int(b)
    x, y = float(a), float(b)
    unit = max(last_digit_unit(a), last_digit_unit(b))
    return abs(x - y) <= max(RTOL * max(abs(x), abs(y)), ATOL, unit * 1.0001)


def same_line(a: str, b: str) -> bool:
    ta, tb = tokens(a), tokens(b)
    return len(ta) == len(tb) and all(
        ka == kb and (same_number(xa, xb) if ka == "number" else xa == xb)
        for (ka, xa), (kb, xb) in zip(ta, tb))


def mismatch(expected: str, actual: str) -> str | None:
    """None when the outputs agree; else a short report: the first differing line and a small diff."""
    want, got = expected.splitlines(), actual.splitlines()
    for i, (a, b) in enumerate(zip(want, got)):
        if not same_line(a, b):
            break
    else:
        if len(want) == len(got):
            return None
        i = min(len(want), len(got))
    diff = difflib.unified_diff(want[max(0, i - 2):i + 6], got[max(0, i - 2):i + 6],
                                "PyTorch", "autograd_widgets", lineterm="", n=2)
    return f"first difference at output line {i + 1}:\n" + "\n".join(list(diff)[:30])


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED="0", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT_S)


def stdout_of(proc: subprocess.CompletedProcess, who: str) -> str:
    if proc.returncode:
        pytest.fail(f"{who} failed (exit {proc.returncode}); stdout ends:\n{proc.stdout[-1500:]}\n"
                    f"stderr ends:\n{proc.stderr[-3000:]}", pytrace=False)
    return proc.stdout


def program_of(item: pytest.Item) -> str | None:
    """The program a collected test of this file runs, if any."""
    callspec = getattr(item, "callspec", None)
    module = getattr(item, "module", None)
    return callspec.params.get("name") if callspec and module and module.__name__ == __name__ else None


@pytest.fixture(scope="session")
def pytorch_runs(request) -> dict[str, Future]:
    """The selected programs run under PyTorch in the background, while the tests run them under ours."""
    pytest.importorskip("torch")
    names = sorted({name for name in map(program_of, request.session.items) if name})
    with ThreadPoolExecutor(max(1, (os.cpu_count() or 2) // 2)) as pool:
        yield {name: pool.submit(run, [str(PROGRAMS_DIR / name)], PROGRAMS_DIR) for name in names}
        pool.shutdown(cancel_futures=True)


def check(name: str, pytorch_run: Future, proc: subprocess.CompletedProcess):
    expected = stdout_of(pytorch_run.result(), f"{name} under PyTorch")
    actual = stdout_of(proc, f"{name} under autograd_widgets")
    report = mismatch(expected, actual)
    if report:
        pytest.fail(f"{name} prints differently under autograd_widgets; {report}", pytrace=False)


@pytest.mark.parametrize("name", PROGRAMS, ids=[p[:-3] for p in PROGRAMS])
def test_program_prints_what_pytorch_prints(name, tmp_path, pytorch_runs):
    check(name, pytorch_runs[name], run([str(LAUNCHER), str(PROGRAMS_DIR / name)], tmp_path))


@pytest.mark.parametrize("name", TEXTUAL, ids=[p[:-3] for p in TEXTUAL])
def test_import_autograd_widgets_as_torch(name, tmp_path, pytorch_runs):
    source = (PROGRAMS_DIR / name).read_text()
    assert not re.search(r"^\s*(from torch\b|import torch\.)", source, re.M), "not a plain `import torch` program"
    rewritten, count = re.subn(r"^import torch$", "import autograd_widgets as torch", source, flags=re.M)
    assert count == 1
    (tmp_path / name).write_text(rewritten)
    check(name, pytorch_runs[name], run([str(tmp_path / name)], tmp_path))


def test_every_program_names_its_source():
    for name in PROGRAMS:
        head = (PROGRAMS_DIR / name).read_text().splitlines()[:3]
        assert head[0].startswith("# Source: ") and any("http" in line for line in head), name


@pytest.mark.parametrize("expected, actual, agree", [
    ("99 8.861920356750488", "99 8.861920356750489", True),
    ("99 8.8619", "99 8.8629", False),                       # beyond 1e-4 relative
    ("tensor([0.1234, 2.2520])", "tensor([0.1235, 2.2521])", True),  # last printed digit
    ("tensor([0.1234])", "tensor([0.1236])", False),
    ("[1,     8] loss: 2.252", "[1, 8] loss: 2.252", True),   # padding
    ("torch.Size([6, 1, 5, 5])", "torch.Size([6, 1, 5, 6])", False),
    ("99", "100", False),                                     # integers exact
    ("y = -6.7e-10 + 1.0 x", "y = 3.1e-09 + 1.0 x", True),     # rounding noise around 0
    ("<AddBackward0 object at 0x7f3a>", "<AddBackward0 object>", True),
    ("<AddBackward0 object at 0x7f3a>", "<AddmmBackward0 object>", False),
    ("grad_fn=<MulBackward0>)", "grad_fn=<MulBackward0>)\nextra", False),
])
def test_output_comparison(expected, actual, agree):
    """The output comparison forgives object addresses, not a different node name or extra lines."""
    assert (mismatch(expected, actual) is None) == agree
