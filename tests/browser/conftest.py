"""Browser fixtures, shared by every browser test of the session: one JupyterLab, one Chromium.

    def test_something(lab, page):
        nb = write_notebook(lab.root / "x.ipynb", ["import autograd_widgets as torch", "..."])
        open_notebook(page, lab, nb)          # opens it and runs all cells
        page.locator(...)

Skipped (with the reason) only where Debian's /usr/bin/chromium or Playwright is missing.
"""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lab import CHROMIUM, chromium, new_page, running_lab  # noqa: E402


def _need_browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests need it")
    pytest.importorskip("playwright", reason="playwright (python) is not installed; pip install -e '.[dev]'")


@pytest.fixture(scope="session")
def lab():
    """A running JupyterLab (url, root folder) for the whole session."""
    _need_browser()
    with running_lab() as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A fresh page; uncaught JavaScript errors fail the test."""
    p = new_page(browser)
    yield p
    errors = list(p.js_errors)
    p.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
