// The layout worker: Graphviz (WebAssembly) lays out DOT text off the page's main thread, so a
// 2,000-node graph never freezes typing in the notebook. It is bundled on its own and carried as
// text inside the runtime bundle (anywidget's ES module cannot serve a second file), then started
// from a Blob URL (layout.js).
import { Graphviz } from "@hpcc-js/wasm-graphviz";

// A graph shaped like the ones GraphView sends (boxes with monospace multi-line labels, dashed
// edges), laid out again and again while no view is waiting: the engine compiles the hot functions
// optimised then, instead of during the first real layouts (480 ms for 197 nodes the first time,
// 68 ms warm, before this warm-up). A real layout always goes first: the warm-up yields to the
// message queue between two of its layouts.
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

const WARM_UP_MS = 1500; // of layout work, at most, while nothing else is asked
const queue = [];
let warmed = 0;
let scheduled = false;

// One piece of work per task (a real layout first, else a warm-up layout), so a new message gets in
// between two pieces.
function schedule(gv) {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    work(gv);
  }, 0);
}

function work(gv) {
  const job = queue.shift();
  if (job) {
    const t0 = performance.now();
    try {
      const svg = gv.layout(job.dot, "svg", "dot");
      self.postMessage({ id: job.id, svg, ms: performance.now() - t0 });
    } catch (err) {
      self.postMessage({ id: job.id, error: String(err && err.message ? err.message : err) });
    }
  } else if (warmed < WARM_UP_MS) {
    const t0 = performance.now();
    gv.layout(warmUpDot(20 + (Math.round(warmed) % 3) * 20), "svg", "dot");
    warmed += performance.now() - t0;
  }
  if (queue.length || warmed < WARM_UP_MS) schedule(gv);
}

const ready = Graphviz.load();
ready.then(schedule);
self.onmessage = ({ data }) => {
  queue.push(data);
  ready.then(schedule, (err) => self.postMessage({ id: data.id, error: String(err) }));
};
