"""Graphs that survive export (issue 11 §6): a tutorial run with its widget state saved, exported with
nbconvert to HTML, opened in Chromium from a file with no kernel, draws every graph.

The notebook runs through nbclient (what `jupyter nbconvert --execute` uses), which saves the widget
state in the notebook's metadata as JupyterLab's "Save Widget State Automatically" does: every
model, the hidden GraphView runtime (its `_esm` carries the front-end bundle) included. No internet
here, so the page loads what nbconvert would fetch from CDNs from files beside it:
`--HTMLExporter.require_js_url=require.js --HTMLExporter.widget_renderer_url=embed-amd.js`
(RequireJS and @jupyter-widgets/html-manager from the npm registry, cached in tests/browser/.cache),
and anywidget's front end as `anywidget.js`, which RequireJS finds beside the page before it tries
the CDN.
"""
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import anywidget
import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from lab import REPO, screenshot

TUTORIAL = REPO / "notebooks" / "05_inside_the_graph.ipynb"
CACHE = Path(__file__).resolve().parent / ".cache"
PACKAGES = {"embed-amd.js": ("@jupyter-widgets/html-manager@1.0.15", "package/dist/embed-amd.js"),
            "require.js": ("requirejs@2.3.7", "package/require.js")}
ANYWIDGET_AMD = Path(anywidget.__file__).parent / "nbextension" / "index.js"


@pytest.fixture(scope="module")
def offline_assets():
    """The files an exported page would fetch from CDNs, in a folder (packed from npm once)."""
    CACHE.mkdir(exist_ok=True)
    for name, (spec, member) in PACKAGES.items():
        if (CACHE / name).exists():
            continue
        if shutil.which("npm") is None:
            pytest.skip("npm is needed once to fetch @jupyter-widgets/html-manager and requirejs")
        done = subprocess.run(["npm", "pack", spec, "--pack-destination", str(CACHE)], capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0:
            pytest.skip(f"npm pack {spec} failed (no registry?): {done.stderr[-300:]}")
        tgz = CACHE / done.stdout.strip().splitlines()[-1]
        with tarfile.open(tgz) as tar:
            (CACHE / name).write_bytes(tar.extractfile(member).read())
        tgz.unlink()
    shutil.copy(ANYWIDGET_AMD, CACHE / "anywidget.js")
    return CACHE


def graph_views(nb):
    """Model ids of the GraphViews the notebook's outputs display (directly or inside composites)."""
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    views = {k for k, m in state.items() if m["model_name"] == "AnyModel" and "runtime" in m["state"]}
    runtimes = {m["state"]["runtime"].split(":", 1)[1] for k, m in state.items() if k in views}
    return views, runtimes, state


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The tutorial run by nbclient, its widget state saved in its metadata."""
    mp = pytest.MonkeyPatch()
    mp.setenv("PYTHONPATH", str(REPO))  # the kernel imports this checkout
    try:
        nb = nbformat.read(TUTORIAL, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=True,
                       resources={"metadata": {"path": str(tmp_path_factory.mktemp("run"))}}).execute()
    finally:
        mp.undo()
    return nb


def test_an_exported_tutorial_draws_every_graph_without_a_kernel(page, tmp_path, offline_assets, executed):
    nb = executed
    views, runtimes, state = graph_views(nb)
    assert len(views) >= 3 and runtimes <= set(state)               # the runtime's bundle is in the state
    html, _ = HTMLExporter(require_js_url="require.js", widget_renderer_url="embed-amd.js").from_notebook_node(nb)
    out = tmp_path / "export"
    out.mkdir()
    (out / "tutorial.html").write_text(html, encoding="utf-8")
    for f in offline_assets.iterdir():
        if f.suffix == ".js":
            shutil.copy(f, out / f.name)

    page.goto((out / "tutorial.html").as_uri())
    page.wait_for_function(f"document.querySelectorAll('.aw-graph svg').length >= {len(views)}", timeout=60_000)
    graphs = page.locator(".aw-graph")
    assert graphs.count() == len(views)
    for i in range(graphs.count()):
        nodes = graphs.nth(i).locator("svg g.node")
        assert nodes.count() >= 3, f"graph {i} drew {nodes.count()} nodes"
        assert "could not lay out" not in graphs.nth(i).inner_text()
        screenshot(page, f"export_graph_{i}", graphs.nth(i))
    # The labels are those after each view's last cell, not the ones its first layout drew:
    # the stepper's leaves show the gradient it had reached, not "grad None".
    saved = [json.dumps(state[k]["state"].get("saved_labels", {})) for k in views]
    texts = page.evaluate("[...document.querySelectorAll('.aw-graph svg text')].map(t => t.textContent)")
    grads = [t for t in texts if t.startswith("grad ")]
    assert any("grad None" not in s and "grad " in s for s in saved)
    assert any(t.split()[1] != "None" for t in grads), grads
    screenshot(page, "export_page")


def test_offline_with_nothing_extra_the_static_fallback_draws_the_graphs(page, tmp_path, executed):
    """With no CDN and no local files, nbconvert's default page leaves widget outputs empty; preferring
    the outputs' text/html (widgets/static.py) gives each graph as static SVG instead."""
    views, _, _ = graph_views(executed)
    priority = ["text/html", "image/svg+xml", "image/png", "text/markdown", "text/plain"]
    html, _ = HTMLExporter(config={"NbConvertBase": {"display_data_priority": priority}}).from_notebook_node(executed)
    path = tmp_path / "static.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    graphs = page.locator(".aw-static-graph svg")
    assert graphs.count() == len(views)
    assert all(graphs.nth(i).locator("g.node").count() >= 3 for i in range(graphs.count()))
    screenshot(page, "export_static_graph_0", page.locator(".aw-static-graph").first)
