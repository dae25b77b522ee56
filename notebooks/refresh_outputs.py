"""Re-run the tutorials and keep only the outputs that nbval checks.

    python notebooks/refresh_outputs.py                 # every notebook
    python notebooks/refresh_outputs.py notebooks/03_gradients_add_up.ipynb

A cell whose first line is `# NBVAL_CHECK_OUTPUT` keeps its output: `pytest` (with --nbval-lax)
compares it on every run. Every other output (widget views, warnings) and execution count is
cleared, and saved widget state is dropped, so a notebook in git never carries widget models.
Run it with the engine importable (`pip install -e .`, or PYTHONPATH at the checkout).
"""
import sys
from pathlib import Path

import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

CHECK = "# NBVAL_CHECK_OUTPUT"
HERE = Path(__file__).resolve().parent


def is_checked(cell):
    return cell.cell_type == "code" and cell.source.startswith(CHECK)


def strip(nb):
    """Outputs only on checked cells, no widget state, no run metadata.

    Checked cells keep their execution count: nbval refuses stored outputs of a cell that never ran.
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and not is_checked(cell):
            cell.execution_count = None
            cell.outputs = []
    return nb


def refresh(path):
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    # The kernel runs in this Python, as nbval's --nbval-current-env does.
    km = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    try:
        NotebookClient(nb, km=km, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    nbformat.write(strip(nb), path)


if __name__ == "__main__":
    for p in sys.argv[1:] or sorted(HERE.glob("[0-9][0-9]_*.ipynb")):
        refresh(p)
        print("refreshed", p)
