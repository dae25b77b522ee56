// The layout worker: Graphviz (WebAssembly) lays out DOT text off the page's main thread, so a
// 2,000-node graph never freezes typing in the notebook. It is bundled on its own and carried as
// text inside the runtime bundle (anywidget's ES module cannot serve a second file), then started
// from a Blob URL (layout.js).
import { Graphviz } from "@hpcc-js/wasm-graphviz";

// A graph shaped like the ones GraphView sends (boxes with monospace multi-line labels, dashed
// edges), laid out a few times as soon as the WebAssembly is ready: the engine compiles the hot
// functions optimised then, while the page has nothing to draw yet, instead of during the first
// real layout (480 ms for 197 nodes the first time, 68 ms warm, before this warm-up).
function warmUpDot(layers) {
  const lines = ["digraph {", "graph [nodesep=0.25 rankdir=TB ranksep=0.35]",
    "node [fontname=Courier fontsize=11 height=0.3 margin=\"0.08,0.04\"]", "edge [arrowsize=0.7]"];
  for (let i = 0; i < layers; i += 1) {
    lines.push(`f${i} [label=TanhBackward0 shape=box style="rounded,filled"]`);
    lines.push(`w${i} [label="w${i}\\ldata [[0.1, 0.1, 0.1]]\\lgrad None\\l" shape=box style=filled]`);
    lines.push(`a${i} [label=AccumulateGrad shape=box style="rounded,filled"]`);
    lines.push(`f${i} -> a${i}`, `a${i} -> w${i} [style=dashed]`);
    if (i) lines.push(`f${i - 1} -> f${i}`);
  }
  lines.push("}");
  return lines.join("\n");
}

const ready = Graphviz.load().then((gv) => {
  for (const layers of [20, 60, 60]) gv.layout(warmUpDot(layers), "svg", "dot");
  return gv;
});

self.onmessage = async ({ data }) => {
  const { id, dot } = data;
  try {
    const gv = await ready;
    const t0 = performance.now();
    const svg = gv.layout(dot, "svg", "dot");
    self.postMessage({ id, svg, ms: performance.now() - t0 });
  } catch (err) {
    self.postMessage({ id, error: String(err && err.message ? err.message : err) });
  }
};
