"""The tutorials in notebooks/: stored clean, and printing what PyTorch 2.13 prints.

`pytest` itself runs every notebook against this engine (nbval, see pyproject.toml). These tests
add what nbval cannot see: that no widget state or stray output is committed, that every stored
output is checked, and that the same notebooks run on real PyTorch print the same checked outputs.
"""
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import autograd_widgets

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SANITIZE = ROOT / "notebooks" / "nbval_sanitize.cfg"
CHECK = "# NBVAL_CHECK_OUTPUT"
ENGINE = "import autograd_widgets as torch"


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_tutorials():
    assert [p.name[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_", "05_", "06_", "07_", "08_", "09_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_widget_state_and_only_checked_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata, "saved widget state: run notebooks/refresh_outputs.py"
    checked = 0
    for cell in code_cells(nb):
        if cell.source.startswith(CHECK):
            checked += 1
            # A checked cell with nothing stored would compare nothing; widget views and stderr
            # (warnings) differ between runs and engines, so checked cells print to stdout only.
            assert cell.outputs, cell.source
            assert all(o.output_type == "stream" and o.name == "stdout" for o in cell.outputs), cell.source
        else:
            assert not cell.outputs, f"unchecked output stored (nbval ignores it): {cell.source[:80]}"
    assert checked >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_closes_with_an_exercise_the_widget_answers(path):
    nb = nbformat.read(path, as_version=4)
    headings = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "## Try this" in c.source]
    assert headings, "no 'Try this' section"
    answers = [c for c in nb.cells[headings[-1]:] if c.cell_type == "code" and c.source.startswith(CHECK)]
    assert answers and any(w in answers[-1].source for w in (".grads", ".vjp()", ".steps", ".history")), \
        "the exercise's answer should be read from the widget"


def test_checked_outputs_are_what_pytorch_prints(tmp_path):
    """Each notebook with `import torch` in place of the engine, through nbval: same checked outputs.

    The sanitize file removes object addresses and this engine's added explanations, nothing else.
    """
    pytest.importorskip("torch")
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        first = code_cells(nb)[0]
        assert first.source.startswith(ENGINE + " "), "the first code cell imports the engine as torch"
        first.source = first.source.replace(ENGINE, "import torch", 1)
        nbformat.write(nb, tmp_path / path.name)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # keep this project's addopts out
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(autograd_widgets.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")]))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
         f"--nbval-sanitize-with={SANITIZE}", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert f"{sum(len(code_cells(nbformat.read(p, 4))) for p in NOTEBOOKS)} passed" in run.stdout
