"""A JupyterLab server on 127.0.0.1 and Debian's headless Chromium, for browser tests and benchmarks.

    with running_lab() as lab, chromium() as browser:
        page = new_page(browser)
        open_notebook(page, lab, write_notebook(lab.root / "t.ipynb", ["x = 1", "x"]))

Nothing is fetched from the network: JupyterLab serves its own front end and the widgets'
bundle comes with the kernel. The server gets a fresh root, settings and workspace folder, so
no earlier session's kernels or layout come back.
"""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@dataclass
class Lab:
    url: str
    root: Path            # the server's root folder: put notebooks here


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_lab(timeout=90, python=sys.executable, checkout_on_path=True):
    """Start JupyterLab on a free port of 127.0.0.1 in a temporary root; stop it (by its pid) afterwards.

    `python`: the interpreter whose JupyterLab and kernels run. `checkout_on_path=False` leaves this
    checkout off PYTHONPATH, so kernels import the package installed in that interpreter.
    """
    tmp = Path(tempfile.mkdtemp(prefix="aw-lab-"))
    root, settings = tmp / "root", tmp / "settings"
    root.mkdir()
    # Render every cell (no virtual scrolling), so tests can read outputs that are off-screen.
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    notices = settings / "@jupyterlab" / "apputils-extension"  # no "get notified about news?" toast
    notices.mkdir(parents=True)
    (notices / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                           "checkForUpdates": False}))
    port = _free_port()
    path = [str(REPO), os.environ.get("PYTHONPATH", "")] if checkout_on_path else []
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               PYTHONPATH=os.pathsep.join(p for p in path if p))
    cmd = [str(python), "-m", "jupyterlab", "--allow-root", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
           "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", f"--LabServerApp.user_settings_dir={settings}",
           f"--LabServerApp.workspaces_dir={tmp / 'workspaces'}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    log = open(tmp / "server.log", "wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url + "/api", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (tmp / "server.log").read_text()[-3000:])
                time.sleep(0.25)
        yield Lab(url, root)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, headless, driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width=1400, height=1200):
    """A page that collects uncaught JavaScript errors in `page.js_errors`."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.js_errors = []
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    return page


def write_notebook(path, cells):
    """A notebook of code cells (no outputs, no widget state) at `path`."""
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                     "source": src} for i, src in enumerate(cells)],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    Path(path).write_text(json.dumps(nb))
    return Path(path)


def open_notebook(page, lab, path, run=True, timeout=90_000):
    """Open `path` (under lab.root) in JupyterLab and, with `run`, run all its cells and wait until done."""
    rel = Path(path).resolve().relative_to(lab.root.resolve()).as_posix()
    page.goto(f"{lab.url}/lab/tree/{rel}?reset")  # ?reset: no tabs of earlier tests come back
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=timeout)
    page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle'",
                           timeout=timeout)
    if run:
        run_all(page, timeout)


def run_all(page, timeout=90_000):
    """Run every cell of the current notebook; wait until the kernel has finished them all."""
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.context.ready;
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }""")
    page.wait_for_function("""() => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        return nb.widgets.every(c => c.model.type !== 'code' || (c.model.executionCount !== null
            && !c.node.querySelector('.jp-InputArea-prompt').textContent.includes('*')));
    }""", timeout=timeout)


def cell_errors(page):
    """Tracebacks shown in the notebook's outputs (an empty list when every cell ran cleanly)."""
    return page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                        ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").all_inner_texts()


def screenshot(page, name, locator=None):
    """Save tests/browser/screenshots/<name>.png: of `locator` (scrolled into view) or of the page."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    (locator or page).screenshot(path=str(path))
    return path
