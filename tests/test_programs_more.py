"""More learners' programs (tests/programs_more/) print under autograd_widgets what they print under PyTorch.

A second set beside tests/programs/: d2l chapters, PyTorch docstring examples, Stack Overflow and forum
answers. Each runs as is under real PyTorch (the oracle) and through tests/programs/_as_autograd_widgets.py
(`torch` and `torch.<sub>` resolved to autograd_widgets); the outputs are compared with test_programs'
token comparison (numbers within its RTOL, the rest exact). A program that ends in an uncaught exception
must end in the same one under both: the same type and the same first line of the message.
"""
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from test_programs import LAUNCHER, mismatch, run

DIR = Path(__file__).resolve().parent / "programs_more"
PROGRAMS = sorted(p.name for p in DIR.glob("*.py") if not p.name.startswith("_"))


def exception_of(proc: subprocess.CompletedProcess) -> str | None:
    """'Type: first line of the message' of the exception a failed run ended in (None when it succeeded)."""
    if proc.returncode == 0:
        return None
    tail = proc.stderr.rpartition("Traceback (most recent call last):")[2].splitlines()
    message = [line for line in tail if line and not line.startswith(" ")]
    return message[0] if message else f"exit {proc.returncode}"


@pytest.fixture(scope="module")
def pytorch_runs():
    pytest.importorskip("torch")
    with ThreadPoolExecutor(2) as pool:
        yield {name: pool.submit(run, [str(DIR / name)], DIR) for name in PROGRAMS}


ENDS_IN_AN_EXCEPTION = {"so_backward_twice_uncaught.py"}  # on purpose: the error itself is compared


@pytest.mark.parametrize("name", PROGRAMS, ids=[p[:-3] for p in PROGRAMS])
def test_program_prints_and_raises_what_pytorch_does(name, tmp_path, pytorch_runs):
    expected = pytorch_runs[name].result()
    actual = run([str(LAUNCHER), str(DIR / name)], tmp_path)
    report = mismatch(expected.stdout, actual.stdout)
    want, got = exception_of(expected), exception_of(actual)
    assert (want is not None) == (name in ENDS_IN_AN_EXCEPTION), f"PyTorch's run ended with {want!r}"
    if got != want:
        report = (report or "") + f"\nPyTorch ends with {want!r}, autograd_widgets with {got!r}" \
            + (f"\nstderr ends:\n{actual.stderr[-2500:]}" if got else "")
    if report:
        pytest.fail(f"{name}: {report}", pytrace=False)


def test_every_program_names_its_source():
    for name in PROGRAMS:
        head = (DIR / name).read_text().splitlines()[:3]
        assert head[0].startswith("# Source: ") and any("http" in line for line in head), name
        assert re.search(r"^# Changed: ", (DIR / name).read_text(), re.M), name
