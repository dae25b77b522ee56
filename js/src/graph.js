// GraphView's front end. Python sends DOT text; Graphviz compiled to WebAssembly lays it out in the
// browser, in a Web Worker (layout.js); a large SVG is put into the page over several frames (progressive.js). Afterwards only small messages arrive: changed label lines
// (patched into the SVG in place, no new layout), freed / marked nodes (CSS classes), the selected
// node's details.
//
// This module is the bundle of a hidden runtime widget created once per kernel; each GraphView
// carries a few hundred bytes (widgets/loader.js) that asks anywidget's host for these exports.
import { renderHeatMap } from "./grid.js";
import { layoutSvg, warmUp } from "./layout.js";
import { Culling, drawSvg } from "./progressive.js";
import { addStyle } from "./style.js";
import { MODULE_CSS, moduleClicked, nodeId, tidyClusters } from "./modules.js";
import { derivativeBlock } from "./derivative.js";

const CHAR_WIDTH = 6.6;
const MAX_HEIGHT = 560; // px of notebook the graph may take
const MIN_FIT = 0.45; // smaller than this and labels become unreadable: pan instead // Graphviz's width of a monospace character at fontsize 11, in SVG units

const CSS = `
.aw-graph { display: flex; gap: 8px; font-family: monospace; align-items: flex-start; }
.aw-canvas { flex: 1; min-width: 0; min-height: 200px; max-height: 560px; overflow: hidden;
  border: 1px solid #ddd; border-radius: 4px; cursor: grab; position: relative; background: #fff;
  user-select: none; } /* a drag pans: it selects no text */
.aw-canvas.aw-dragging { cursor: grabbing; }
.aw-canvas svg { transform-origin: 0 0; display: block; }
.aw-canvas svg text { font-family: "Courier New", Courier, "Liberation Mono", "DejaVu Sans Mono", monospace; }
.aw-panel { width: 280px; flex: none; font-size: 12px; border: 1px solid #ddd; border-radius: 4px;
  padding: 6px; overflow: auto; max-height: 640px; }
.aw-panel h4 { margin: 0 0 4px 0; font-size: 13px; }
.aw-panel .aw-row { white-space: pre-wrap; word-break: break-all; padding: 1px 0; }
.aw-panel .aw-row b { color: #555; font-weight: normal; }
.aw-panel .aw-row.aw-freed-row { color: #999; text-decoration: line-through; }
.aw-graph g.node { cursor: pointer; }
.aw-graph g.node.aw-freed path, .aw-graph g.node.aw-freed polygon { stroke-dasharray: 4 3; fill: #e4e4e4; }
.aw-graph g.node.aw-freed text { fill: #9a9a9a; }
.aw-graph g.node.aw-selected path, .aw-graph g.node.aw-selected polygon { stroke: #d33; stroke-width: 3; }
.aw-graph g.node.aw-current path, .aw-graph g.node.aw-current polygon { stroke: #1a9a1a; stroke-width: 4; fill: #d9f7d9; }
.aw-graph g.node.aw-ready path, .aw-graph g.node.aw-ready polygon { stroke: #1a9a1a; stroke-dasharray: 5 2; stroke-width: 2; }
.aw-graph g.node.aw-done path, .aw-graph g.node.aw-done polygon { opacity: 0.55; }
.aw-graph g.node.aw-waiting text { font-style: italic; }
`;

const HINT = "Click a node to see its data, grad, saved tensors and version. Drag to pan, wheel to zoom, "
  + "double-click to fit.";

function render({ model, el }) {
  addStyle("aw-graph-style", CSS + MODULE_CSS);
  const root = document.createElement("div");
  root.className = "aw-graph";
  const canvas = document.createElement("div");
  canvas.className = "aw-canvas";
  const panel = document.createElement("div");
  panel.className = "aw-panel";
  root.append(canvas, panel);
  el.append(root);

  let svg = null;
  let size = { w: 1, h: 1 };
  let view = { scale: 1, x: 0, y: 0 };
  const nodes = new Map(); // node id -> { g, texts: [<text>], chars: [original length] }
  const edges = new Map(); // "e<index>" -> the same, for edge labels (GraphView(gradients=True))
  const stats = (root.awStats = { layouts: 0, patches: 0 });

  let culling = null; // a large drawing's groups shown near the view only (progressive.js)
  const applyView = () => {
    if (!svg) return;
    svg.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
    const { clientWidth: w, clientHeight: h } = canvas;
    culling?.show([-view.x / view.scale, -view.y / view.scale, (w - view.x) / view.scale, (h - view.y) / view.scale]);
  };
  // The whole graph at once when it fits at a readable size; otherwise the top (the outputs) first.
  const fit = () => {
    const width = canvas.clientWidth || size.w;
    const scale = Math.max(MIN_FIT, Math.min(1, width / size.w, MAX_HEIGHT / size.h));
    const start = size.w * scale > width ? culling?.firstX() : null; // a large drawing: at its output
    view = { scale, x: start == null ? Math.max(0, (width - size.w * scale) / 2) : width / 2 - start * scale, y: 0 };
    canvas.style.height = `${Math.min(MAX_HEIGHT, Math.max(200, size.h * scale + 4))}px`;
    applyView();
  };

  // Lines longer than the width Graphviz reserved are squeezed into it rather than overflow the box.
  // A group hidden by culling keeps its new lines until it is shown (flush): text changed under
  // display:none still costs layout, 150 ms for a redrawn 2,000-node graph's labels.
  const setLine = (entry, i, line) => {
    if (entry.g.style.display === "none") {
      (entry.pending ??= new Map()).set(i, line);
      return;
    }
    const { texts, chars } = linesOf(entry);
    const text = texts[i];
    if (!text || text.textContent === line) return;
    text.textContent = line;
    const room = chars[i];
    if (line.trimEnd().length > room) {
      text.setAttribute("textLength", String(room * CHAR_WIDTH));
      text.setAttribute("lengthAdjust", "spacingAndGlyphs");
    } else {
      text.removeAttribute("textLength");
    }
  };

  const flush = (g) => {
    const entry = g.awEntry;
    if (!entry?.pending) return;
    const lines = entry.pending;
    entry.pending = null;
    for (const [i, line] of lines) setLine(entry, i, line);
  };

  const patchLabels = (labels) => {
    const t0 = performance.now();
    for (const [id, lines] of Object.entries(labels)) {
      const entry = nodes.get(id) ?? edges.get(id);
      if (entry) lines.forEach((line, i) => setLine(entry, i, line));
    }
    stats.patches += 1;
    stats.lastPatchMs = performance.now() - t0;
    root.dataset.patches = String(stats.patches);
  };

  // Only the nodes that carry a class or get one are touched: a loop over all of a 2,000-node
  // graph's groups took 4-20 ms of each redraw (and of each step of a stepper).
  let classed = new Set(); // ids of the nodes given a class by the last patch
  const patchClasses = () => {
    const freed = new Set(model.get("freed"));
    const marks = model.get("marks") || {};
    const selected = model.get("selected");
    const now = new Set([...freed, ...Object.keys(marks), selected]);
    for (const id of new Set([...classed, ...now])) {
      const g = nodes.get(id)?.g;
      if (!g) continue;
      g.classList.toggle("aw-freed", freed.has(id));
      g.classList.toggle("aw-selected", id === selected);
      for (const mark of ["current", "ready", "done", "waiting"]) g.classList.toggle(`aw-${mark}`, marks[id] === mark);
    }
    classed = now;
  };

  const showDetails = () => {
    const d = model.get("details");
    panel.replaceChildren();
    if (!d || !d.title) {
      panel.textContent = HINT;
      return;
    }
    const h = document.createElement("h4");
    h.textContent = d.title;
    panel.append(h);
    for (const [key, value] of d.rows || []) {
      const row = document.createElement("div");
      row.className = "aw-row" + (value === "freed" ? " aw-freed-row" : "");
      row.dataset.key = key;
      const k = document.createElement("b");
      k.textContent = `${key}: `;
      row.append(k, String(value));
      panel.append(row);
    }
    if (d.derivative) panel.append(derivativeBlock(d.derivative));
  };

  // A node's or edge's group, also kept on the group (culling shows groups: flush). Its label lines
  // (<text>s, and the characters Graphviz made room for) are read when first patched: most groups of
  // a large drawing are never shown, so never patched.
  const entryOf = (g) => (g.awEntry = { g, texts: null, chars: null });
  const linesOf = (entry) => {
    if (!entry.texts) {
      entry.texts = [...entry.g.querySelectorAll("text")];
      entry.chars = entry.texts.map((t) => t.textContent.length);
    }
    return entry;
  };

  // Each new top-level group of the drawing indexed: nodes and edge labels for patches, clusters for clicks.
  const index = (groups) => {
    for (const g of groups) {
      if (g.classList.contains("node")) {
        let id = nodeId(g);
        if (id === undefined) { // not drawn from graph/dot.py's DOT: known by its <title>
          const title = g.querySelector("title"); // (the layout worker drops the others: compact)
          if (!title) continue;
          id = g.dataset.awId = title.textContent;
          title.remove(); // the panel explains a node; no tooltip with its internal id
        }
        nodes.set(id, entryOf(g));
      } else if (g.classList.contains("edge") && g.id.startsWith("aw-e")) {
        edges.set(g.id.slice(3), entryOf(g));
      }
    }
  };

  let asked = 0; // a newer DOT may arrive while the worker lays out an older one: draw the newest only
  const layout = async () => {
    const mine = (asked += 1);
    const t0 = performance.now();
    const result = await layoutSvg(model.get("dot"));
    if (mine !== asked) return;
    const t1 = performance.now();
    nodes.clear();
    edges.clear();
    const drawn = await drawSvg(canvas, result, {
      begin: (s) => {
        svg = s;
        culling = result.split ? new Culling(svg, result.split.boxes, flush) : null;
        size = { w: svg.width.baseVal.value || 1, h: svg.height.baseVal.value || 1 };
        fit();
      },
      added: (groups) => {
        index(groups);
        culling?.add(groups);
      },
      current: () => mine === asked,
    });
    if (!drawn) return;
    tidyClusters(canvas);
    stats.layouts += 1;
    stats.layoutMs = result.ms; // Graphviz alone, in the worker
    stats.waitMs = t1 - t0; // asked -> SVG back (the worker's queue, its load and warm-up included)
    stats.drawMs = performance.now() - t1; // the SVG into the page (in parts for a large one, over frames)
    Object.assign(root.dataset, { layoutMs: stats.layoutMs.toFixed(1), waitMs: stats.waitMs.toFixed(1),
      drawMs: stats.drawMs.toFixed(1), queuedMs: result.queuedMs.toFixed(1), deliveredMs: result.deliveredMs.toFixed(1), loadedMs: result.loadedMs.toFixed(1),
      startMs: result.startMs.toFixed(1),
      parts: String(result.split ? result.split.parts.length : 1), nodes: String(nodes.size) });
    patchClasses();
    patchLabels(model.get("saved_labels") || {}); // a saved page, no kernel: the labels at its last cell
    model.send({ type: "labels?" }); // values may have changed since the DOT was written
  };

  // Pan with the mouse, zoom with the wheel, double-click to fit; a click without a drag selects.
  let drag = null;
  canvas.addEventListener("mousedown", (e) => {
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.classList.add("aw-dragging");
  });
  const onMove = (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    view.x = drag.vx + dx;
    view.y = drag.vy + dy;
    applyView();
  };
  const onUp = (e) => {
    if (!drag) return;
    const { moved } = drag;
    drag = null;
    canvas.classList.remove("aw-dragging");
    if (moved) return;
    const path = moduleClicked(e.target, canvas);
    if (path !== null) return model.send({ type: "module", path });
    const g = e.target.closest?.("g.node");
    if (g && canvas.contains(g)) {
      model.set("selected", nodeId(g));
      model.save_changes();
    }
  };
  window.addEventListener("mousemove", onMove);
  window.addEventListener("mouseup", onUp);
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    const px = e.clientX - rect.left, py = e.clientY - rect.top;
    const k = Math.exp(-e.deltaY * 0.0015);
    view.x = px - (px - view.x) * k;
    view.y = py - (py - view.y) * k;
    view.scale *= k;
    applyView();
  }, { passive: false });
  canvas.addEventListener("dblclick", fit);

  const onMessage = (msg) => {
    if (msg && msg.type === "labels") patchLabels(msg.labels);
  };
  model.on("msg:custom", onMessage);
  model.on("change:dot", layout);
  model.on("change:freed", patchClasses);
  model.on("change:marks", patchClasses);
  model.on("change:selected", patchClasses);
  model.on("change:details", showDetails);
  layout().catch((err) => {
    canvas.textContent = `GraphView could not lay out the graph: ${err}`;
  });
  showDetails();
  return () => {
    window.removeEventListener("mousemove", onMove);
    window.removeEventListener("mouseup", onUp);
  };
}

export default {
  initialize() {
    warmUp(); // start the layout worker (WebAssembly compile and warm-up) now; views wait for it
    return { render, renderHeatMap, version: 1 };
  },
};
