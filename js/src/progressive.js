// Puts a laid-out graph into the page. A small SVG goes in at once; a large one, which the layout
// worker sends in parts (layout_worker.js, svgParts), goes in a few parts per frame, each frame's
// parsing kept to a few milliseconds: parsed and painted at once, a 2,000-node graph froze the page
// for seconds (typing in another cell included); in parts it appears from the top within a second or
// two while the page stays responsive. The groups are ordinary SVG either way, so selection, module
// clicks and label patches work the same, on each part as soon as it is in.
const FRAME_BUDGET_MS = 6; // of parsing per frame; the frame's style, layout and paint come on top

// After the next frame is painted (a hidden page paints no frames: then after a timer).
const nextFrame = () => new Promise((resolve) => {
  if (document.hidden) setTimeout(resolve, 0);
  else requestAnimationFrame(() => setTimeout(resolve, 0));
});

const MARGIN = 0.5; // of the view's size on each side: shown before a pan reaches it
const PAD = 150; // graph units around a box: its text runs right of its anchor

// The groups of a large drawing shown only near the view (the others display:none: not styled, laid
// out or painted), from the boxes the layout worker measured. Painting all of a 2,000-node graph took
// ~300 ms a frame, on every frame it changed.
export class Culling {
  // `shown(g)`: called as a hidden group is shown again (graph.js applies the label lines it missed).
  constructor(svg, { ids, at }, shown = () => {}) {
    this.index = new Map(ids.map((id, i) => [id, i])); // group id -> its box's index in `at`
    this.at = at; // [x0, y0, x1, y1] of each box, one after another
    this.shown = shown;
    this.items = []; // [g, box index, shown]
    const graph = svg.querySelector("g.graph");
    const t = /translate\(([-\d.]+)[ ,]+([-\d.]+)\)/.exec(graph?.getAttribute("transform") || "");
    this.shift = t ? [Number(t[1]), Number(t[2])] : [0, 0];
    const vb = svg.viewBox.baseVal;
    this.k = vb && vb.width ? (svg.width.baseVal.value || vb.width) / vb.width : 1; // CSS px per unit
    this.rect = null;
  }

  // The x (CSS px of the <svg>) of the first box's centre: the graph's output, where a view of a graph
  // too wide to fit starts (its top-left corner is often empty).
  firstX() {
    return this.at.length ? ((this.at[0] + this.at[2]) / 2 + this.shift[0]) * this.k : null;
  }

  // Keeps `groups` that have a box, shown or hidden by the last view.
  add(groups) {
    for (const g of groups) {
      const box = this.index.get(g.id);
      if (box === undefined) continue;
      const item = [g, box, g.style.display !== "none"]; // the worker sends them hidden
      this.items.push(item);
      if (this.rect) this.place(item);
    }
  }

  place(item) {
    const [g, box, shown] = item;
    const { at } = this;
    const x0 = at[4 * box], y0 = at[4 * box + 1], x1 = at[4 * box + 2], y1 = at[4 * box + 3];
    const [a, b, c, d] = this.rect;
    const show = x1 + PAD >= a && x0 - PAD <= c && y1 + PAD >= b && y0 - PAD <= d;
    if (show !== shown) {
      g.style.display = show ? "" : "none";
      item[2] = show;
      if (show) this.shown(g);
    }
  }

  // The view: [left, top, right, bottom] of the <svg> in CSS px (before the view's zoom).
  show([left, top, right, bottom]) {
    const w = (right - left) * MARGIN, h = (bottom - top) * MARGIN;
    const [sx, sy] = this.shift;
    this.rect = [(left - w) / this.k - sx, (top - h) / this.k - sy, (right + w) / this.k - sx, (bottom + h) / this.k - sy];
    for (const item of this.items) this.place(item);
  }
}

// Runs `step` over `items` a frame's budget at a time; false when `current()` turned false meanwhile.
async function inSlices(items, step, current) {
  let t0 = performance.now();
  for (const item of items) {
    if (performance.now() - t0 > FRAME_BUDGET_MS) {
      await nextFrame();
      if (!current()) return false;
      t0 = performance.now();
    }
    step(item);
  }
  return true;
}

// Draws `result` ({ svg } or { split: { head, parts, tail } }) into `canvas`: `begin(svg)` once the
// <svg> (with its size) is in, `added(groups)` with each run of new top-level groups (clusters, nodes,
// edges). Resolves to the <svg>, or null when `current()` turned false (a newer layout took over).
// Each part goes into a <g class="aw-part"> of its own, so that the next drawing removes this one a
// part at a time: removed at once, a 2,000-node drawing held the page for 25-80 ms, and its groups
// removed one by one cost far more (each removal from a parent of thousands of children is slow).
export async function drawSvg(canvas, result, { begin, added, current }) {
  const { head, parts, tail } = result.split ?? { head: result.svg, parts: [], tail: "" };
  const old = [...canvas.querySelectorAll("svg > g.graph > g.aw-part")];
  if (old.length) {
    await new Promise((resolve) => setTimeout(resolve, 0)); // after the task that received this result
    if (!current() || !(await inSlices(old, (g) => g.remove(), current))) return null;
  }
  canvas.innerHTML = head + tail;
  const svg = canvas.querySelector("svg");
  const graph = svg.querySelector("g.graph") ?? svg;
  begin(svg);
  added([...graph.children]);
  const drawn = await inSlices(parts, (part) => {
    graph.insertAdjacentHTML("beforeend", `<g class="aw-part">${part}</g>`);
    added([...graph.lastElementChild.children]);
  }, current);
  return drawn ? svg : null;
}
