"""Every tutorial in a real JupyterLab and Chromium: run all, no error, one drag (or step) changes a gradient.

By default the notebooks run in the session's JupyterLab (this checkout). With AW_BINDER_TEST=1,
or CI set as `.ci/run` is run, they run instead in a JupyterLab from a fresh virtualenv that
installed exactly what binder/ says (requirements.txt, then postBuild if there is one) from a
copy of the repository's files: repo2docker's recipe without Docker. That install takes minutes,
so it happens once per session. A screenshot of each notebook lands in tests/browser/screenshots/.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lab import REPO, cell_errors, open_notebook, running_lab, screenshot

NOTEBOOKS = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Warnings a notebook shows on purpose (stderr); anything else on stderr fails the test.
EXPECTED_WARNINGS = ("Using backward() with create_graph=True will create a reference cycle",)


def binder_mode():
    return os.environ.get("AW_BINDER_TEST", "") not in ("", "0") or os.environ.get("CI", "") not in ("", "0", "false")


def copy_of_repository(dest):
    """The files a clone has (tracked, plus new files git does not ignore): what repo2docker copies."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def binder_python(tmp):
    """A fresh virtualenv with exactly binder/requirements.txt (and binder/postBuild) installed."""
    repo = copy_of_repository(tmp / "repo")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", VIRTUAL_ENV=str(venv))
    env.pop("PYTHONPATH", None)
    log = tmp / "install.log"
    with open(log, "wb") as out:
        steps = [[str(venv / "bin" / "python"), "-m", "pip", "install", "-r", "binder/requirements.txt"]]
        if (repo / "binder" / "postBuild").exists():
            steps.append(["bash", "binder/postBuild"])
        for step in steps:
            if subprocess.run(step, cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT).returncode:
                pytest.fail(f"`{' '.join(step)}` failed:\n{log.read_text()[-4000:]}")
    return venv / "bin" / "python"


@pytest.fixture(scope="session")
def tutorial_lab(request, tmp_path_factory):
    """A JupyterLab whose root holds notebooks/ (as on Binder): the binder install's, or the session's."""
    if not binder_mode():
        lab = request.getfixturevalue("lab")
        shutil.copytree(REPO / "notebooks", lab.root / "notebooks", ignore=shutil.ignore_patterns(".*", "__pycache__"))
        yield lab
        return
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests need it")
    python = binder_python(tmp_path_factory.mktemp("binder"))
    with running_lab(python=python, checkout_on_path=False) as lab:
        shutil.copytree(REPO / "notebooks", lab.root / "notebooks", ignore=shutil.ignore_patterns(".*", "__pycache__"))
        lab.python = python
        yield lab


@pytest.fixture
def tutorial_page(page):
    """The shared `page`; afterwards the notebook's kernel is shut down, so six kernels holding
    widgets do not pile up in one JupyterLab on a 2-core machine."""
    yield page
    page.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")


def stderr_texts(page):
    return page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()


def drag_first_fresh_playground(page):
    """Drag the first slider of the first playground in fresh mode; return it, its grads before and after."""
    playground = page.locator(".aw-playground").filter(
        has=page.locator(".widget-toggle-button.mod-active", has_text="fresh")).first
    grads = playground.locator("td.aw-grad")
    before = grads.all_inner_texts()
    handle = playground.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for dx in range(-4, -41, -4):                               # ten small moves to the left, like a hand
        page.mouse.move(x + dx, y)
    page.mouse.up()
    page.wait_for_function("([el, before]) => [...el.querySelectorAll('td.aw-grad')].map(t => t.innerText)"
                           ".join('|') !== before", arg=[playground.element_handle(), "|".join(before)],
                           timeout=15_000)
    return playground, before, grads.all_inner_texts()


def step_first_stepper(page):
    """Run the first stepper to its end; return it, the leaves' grad labels in its graph before and after."""
    stepper = page.locator(".aw-stepper").first
    labels = stepper.locator(".aw-canvas g.node text").filter(has_text="grad ")
    before = labels.all_text_contents()
    stepper.locator("button", has_text="run to end").click()
    stepper.locator(".aw-accumulate").wait_for(timeout=15_000)
    page.wait_for_function("([el, before]) => [...el.querySelectorAll('.aw-canvas g.node text')]"
                           ".map(t => t.textContent).filter(t => t.includes('grad ')).join('|') !== before",
                           arg=[stepper.element_handle(), "|".join(before)], timeout=15_000)
    return stepper, before, labels.all_text_contents()


def step_first_training_loop(page):
    """Press `step` on the first TrainingLoop; return it, its table of grads before and after."""
    loop = page.locator(".aw-training").first
    table, grads = loop.locator("table.aw-train-grads"), loop.locator("td.aw-grad")
    before, text = grads.all_inner_texts(), table.inner_text()
    loop.get_by_role("button", name="step", exact=True).click()
    page.wait_for_function("([el, text]) => el.querySelector('table.aw-train-grads').innerText !== text",
                           arg=[loop.element_handle(), text], timeout=15_000)
    return loop, before, grads.all_inner_texts()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_tutorial_runs_and_a_drag_changes_a_gradient(tutorial_lab, tutorial_page, name):
    page = tutorial_page
    open_notebook(page, tutorial_lab, tutorial_lab.root / "notebooks" / name, timeout=180_000)
    page.wait_for_selector(".aw-canvas svg g.node", timeout=30_000)   # the graph drawn by Graphviz (wasm)
    errors = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").all_inner_texts()
    assert errors == []
    unexpected = [t for t in stderr_texts(page) if not any(w in t for w in EXPECTED_WARNINGS)]
    assert unexpected == [], cell_errors(page)
    if page.locator(".aw-playground").count():
        widget, before, after = drag_first_fresh_playground(page)
    elif page.locator(".aw-training").count():
        widget, before, after = step_first_training_loop(page)
    else:
        widget, before, after = step_first_stepper(page)
    assert before != after and all(t.strip() for t in after)
    screenshot(page, name.removesuffix(".ipynb"), widget)
    assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0


def test_binder_install_is_what_runs(tutorial_lab):
    """The tutorials above ran in the binder virtualenv, not in this checkout's environment."""
    if not binder_mode():
        pytest.skip("set AW_BINDER_TEST=1 (CI does) to install binder/ into a fresh virtualenv")
    python = Path(tutorial_lab.python)
    assert python.parent.parent != Path(sys.prefix)
    # What a kernel of that server imports: same interpreter, same folder, no PYTHONPATH.
    where = subprocess.run([str(python), "-c", "import autograd_widgets, pathlib; "
                            "print(pathlib.Path(autograd_widgets.__file__).resolve())"],
                           cwd=tutorial_lab.root / "notebooks", capture_output=True, text=True, check=True,
                           env={"PATH": os.environ["PATH"]}).stdout
    assert str(REPO) not in where and "site-packages" in where
    assert (Path(where.strip()).parent / "static" / "graph.js").exists()   # the npm build ran during install
