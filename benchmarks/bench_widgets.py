"""Widget benchmark: the issue's figures for a 200-node graph and for 2,000 nodes.

    python benchmarks/bench_widgets.py            # Python side and, where Debian's chromium is, the browser
    python benchmarks/bench_widgets.py --python   # Python side only

1. slider change -> every leaf's grad updated on the Python side (BackwardPlayground, fresh mode;
   target <= 10 ms), beside the same playground on PyTorch CPU tensors and a hand-written NumPy
   floor (the same vᵀ·J by hand, no widget);
2. slider input -> labels patched in the page (JupyterLab + Chromium; target <= 100 ms);
3. layout of 200 and 2,000 nodes in the browser (Graphviz as WebAssembly; targets <= 50 ms, <= 1 s),
   and of an RNN whose weights are used at every depth (drawn beside each use, see graph/fold.py).
One run, medians of interleaved repeats, ratios printed. The machine's load is printed too: on a
shared 2-core machine every figure moves with it.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import autograd_widgets as aw  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None

LAYERS, WIDTH = 28, 3  # 28 x (mm, add, tanh, 2 AccumulateGrad, 2 leaves) + the output: 197 nodes


def net(T, layers=LAYERS, width=WIDTH):
    """A deep tanh network on a (2, width) input; its output is (2, width): 6 sliders."""
    h = T.ones(2, width, dtype=T.float64)
    params = []
    for i in range(layers):
        w = T.full((width, width), 0.1 * (i % 3 + 1), dtype=T.float64, requires_grad=True)
        b = T.zeros(width, dtype=T.float64, requires_grad=True)
        params += [w, b]
        h = (h @ w + b).tanh()
    return h, params


NET_SOURCE = """def net(T, layers, width=3):
    h = T.ones(2, width, dtype=T.float64)
    for i in range(layers):
        w = T.full((width, width), 0.1 * (i % 3 + 1), dtype=T.float64, requires_grad=True)
        b = T.zeros(width, dtype=T.float64, requires_grad=True)
        h = (h @ w + b).tanh()
    return h
"""


RNN_SOURCE = """def rnn(T, steps):
    w, u = T.full((3, 3), 0.1, requires_grad=True), T.full((3, 3), 0.2, requires_grad=True)
    h = T.zeros(1, 3)
    for t in range(steps):
        h = (h @ w + T.ones(1, 3) * t @ u).tanh()
    return h.sum()
"""


def floor_vjp(layers, v):
    """The same leaf grads by hand in NumPy: forward keeping activations, then backward."""
    h = np.ones((2, WIDTH))
    ws, hs = [], [h]
    for i in range(layers):
        w = np.full((WIDTH, WIDTH), 0.1 * (i % 3 + 1))
        h = np.tanh(h @ w)  # b is zero
        ws.append(w)
        hs.append(h)
    g = v
    grads = []
    for i in reversed(range(layers)):
        g = g * (1 - hs[i + 1] ** 2)
        grads.append((hs[i].T @ g, g.sum(0)))
        g = g @ ws[i].T
    return grads


def interleaved(contenders, repeats):
    times = {name: [] for name in contenders}
    for r in range(repeats):
        for name, fn in contenders.items():
            t = time.perf_counter()
            fn(r)
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) for name, ts in times.items()}


def python_side(repeats=100):
    contenders = {}
    playgrounds = {}
    for name, T in (("autograd_widgets", aw), ("PyTorch CPU", torch)):
        if T is None:
            continue
        out, params = net(T)
        p = aw.BackwardPlayground(out)
        p.params = params
        playgrounds[name] = p
        contenders[name] = lambda r, p=p: setattr(p.sliders[r % 6], "value", 0.5 if (r // 6) % 2 else 1.5)
    v = np.ones((2, WIDTH))
    contenders["NumPy floor (no widget)"] = lambda r: floor_vjp(LAYERS, v)
    ours = playgrounds["autograd_widgets"]
    contenders["  of which: our backward alone"] = lambda r: aw.autograd.backward(
        ours.outputs, ours.v(), retain_graph=True, inputs=ours.inputs)
    contenders["  of which: our table + labels"] = lambda r: ours._show(freed=False, data=False)
    medians = interleaved(contenders, repeats)
    print(f"\n1. slider change -> every leaf's grad (Python side), {len(ours.view.graph.nodes)}-node graph, "
          f"{len(ours.inputs)} leaves (target <= 10 ms)")
    base = medians["NumPy floor (no widget)"]
    for name, t in medians.items():
        print(f"   {name:34s} {t * 1e3:8.2f} ms   {t / base:7.1f}x floor")
    # what was timed is checked: the playgrounds' grads are the floor's vᵀ·J
    by_hand = floor_vjp(LAYERS, v)
    for p in playgrounds.values():
        for s in p.sliders:
            s.value = 1.0
        np.testing.assert_allclose(p.params[0].grad.detach().numpy(), by_hand[-1][0], rtol=1e-10)
        np.testing.assert_allclose(p.params[-1].grad.detach().numpy(), by_hand[0][1], rtol=1e-10)
    return medians


def browser_side(repeats=15):
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from lab import chromium, new_page, open_notebook, running_lab, write_notebook
    cells = [
        "import autograd_widgets as torch\n" + NET_SOURCE,
        f"p = torch.BackwardPlayground(net(torch, {LAYERS}))\np",
        f"big = net(torch, 290)\nv2000 = torch.show(big, max_nodes=10_000)\nv2000",
        "torch.show(big)",
        RNN_SOURCE + "torch.show(rnn(torch, 40))",
        "p.view",  # the 200-node graph drawn again: a layout with everything warm
    ]
    with running_lab() as lab, chromium() as browser:
        page = new_page(browser)
        open_notebook(page, lab, write_notebook(lab.root / "bench.ipynb", cells))
        page.wait_for_function("document.querySelectorAll('.aw-graph[data-layout-ms]').length === 5",
                               timeout=180_000)
        layouts = page.evaluate("[...document.querySelectorAll('.aw-graph[data-layout-ms]')]"
                                ".map(g => [Number(g.dataset.nodes), Number(g.dataset.layoutMs), Number(g.dataset.drawMs)])")
        # slider input -> the first leaf's grad line patched in the SVG, timed inside the page
        page.evaluate("""() => {
            const label = [...document.querySelectorAll('.aw-playground .aw-canvas g.node text')]
                .find(t => t.textContent.startsWith('grad '));
            window.__aw = { label, t0: 0, t1: 0 };
            document.addEventListener('keydown', () => { window.__aw.t0 = performance.now(); window.__aw.t1 = 0; }, true);
            new MutationObserver(() => { if (!window.__aw.t1) window.__aw.t1 = performance.now(); })
                .observe(label, { characterData: true, childList: true, subtree: true });
        }""")
        handle = page.locator(".aw-playground .noUi-handle").nth(0)
        handle.focus()
        patch = []
        for r in range(repeats):
            page.keyboard.press("ArrowRight" if r % 2 == 0 else "ArrowLeft")
            page.wait_for_function("window.__aw.t1 > window.__aw.t0", timeout=10_000)
            patch.append(page.evaluate("window.__aw.t1 - window.__aw.t0"))
            time.sleep(0.05)
    print(f"\n2. slider input -> leaf label patched in the SVG (JupyterLab + Chromium; target <= 100 ms)")
    print(f"   median {statistics.median(patch):.0f} ms, min {min(patch):.0f}, max {max(patch):.0f} "
          f"({repeats} key presses)")
    print("\n3. layout in the browser (Graphviz WebAssembly)")
    names = ["200-node graph, first on the page", "2,000 nodes unfolded", "2,000 nodes folded (default)",
             "RNN, 2 weights used at 40 depths", "200-node graph again"]
    for name, (nodes, ms, drawn) in zip(names, layouts):
        print(f"   {name:36s} {nodes:5d} drawn nodes   layout {ms:7.1f} ms, in the page {drawn:7.1f} ms")
    return patch, layouts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", action="store_true", help="Python side only")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"PyTorch {'%s' % torch.__version__ if torch else 'not installed'}")
    python_side()
    if not args.python:
        if not os.path.exists("/usr/bin/chromium"):
            print("\n(browser figures skipped: Debian's chromium is not installed)")
        else:
            browser_side()


if __name__ == "__main__":
    main()
