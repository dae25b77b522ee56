// GraphView's front end: lays out the DOT text that Python sends with Graphviz compiled to
// WebAssembly, then patches values into the drawn nodes in place (no new layout) as they change.
import { Graphviz } from "@hpcc-js/wasm-graphviz";

let graphvizReady = null; // one WebAssembly instance per page, shared by every view
const graphviz = () => (graphvizReady ??= Graphviz.load());

const CSS = `
.aw-graph { display: flex; gap: 8px; font-family: monospace; }
.aw-canvas { flex: 1; min-height: 240px; max-height: 640px; overflow: hidden; border: 1px solid #ddd;
  border-radius: 4px; cursor: grab; position: relative; background: #fff; }
.aw-canvas svg { transform-origin: 0 0; }
.aw-panel { width: 260px; font-size: 12px; border: 1px solid #ddd; border-radius: 4px; padding: 6px;
  overflow: auto; max-height: 640px; white-space: pre-wrap; }
.aw-panel h4 { margin: 0 0 4px 0; font-size: 13px; }
.aw-graph g.node { cursor: pointer; }
.aw-graph g.node.aw-freed polygon, .aw-graph g.node.aw-freed ellipse { stroke-dasharray: 4 3; fill: #eee; }
.aw-graph g.node.aw-freed text { fill: #999; }
.aw-graph g.node.aw-selected polygon, .aw-graph g.node.aw-selected ellipse { stroke: #d33; stroke-width: 3; }
.aw-graph g.node.aw-current polygon, .aw-graph g.node.aw-current ellipse { stroke: #2a2; stroke-width: 4; }
`;

function addStyle() {
  if (document.getElementById("aw-graph-style")) return;
  const style = document.createElement("style");
  style.id = "aw-graph-style";
  style.textContent = CSS;
  document.head.append(style);
}

function render({ model, el }) {
  addStyle();
  const root = document.createElement("div");
  root.className = "aw-graph";
  const canvas = document.createElement("div");
  canvas.className = "aw-canvas";
  const panel = document.createElement("div");
  panel.className = "aw-panel";
  panel.textContent = "Click a node to see its data, grad, saved tensors and version.";
  root.append(canvas, panel);
  el.append(root);

  let svg = null;
  let view = { scale: 1, x: 0, y: 0 };
  const nodes = new Map(); // node id -> <g>

  const applyView = () => {
    if (svg) svg.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
  };

  const patchLabels = () => {
    const t0 = performance.now();
    const labels = model.get("labels");
    for (const [id, lines] of Object.entries(labels)) {
      const g = nodes.get(id);
      if (!g) continue;
      const texts = g.querySelectorAll("text");
      lines.forEach((line, i) => {
        if (texts[i] && texts[i].textContent !== line) texts[i].textContent = line;
      });
    }
    el.dataset.patchMs = (performance.now() - t0).toFixed(2);
    el.dataset.labelsVersion = String(model.get("labels_version"));
  };

  const patchClasses = () => {
    const freed = new Set(model.get("freed"));
    const selected = model.get("selected");
    const current = model.get("highlight");
    for (const [id, g] of nodes) {
      g.classList.toggle("aw-freed", freed.has(id));
      g.classList.toggle("aw-selected", id === selected);
      g.classList.toggle("aw-current", id === current);
    }
  };

  const showDetails = () => {
    const d = model.get("details");
    panel.replaceChildren();
    if (!d || !d.title) {
      panel.textContent = "Click a node to see its data, grad, saved tensors and version.";
      return;
    }
    const h = document.createElement("h4");
    h.textContent = d.title;
    panel.append(h);
    for (const [key, value] of d.rows || []) {
      const row = document.createElement("div");
      row.className = "aw-row";
      row.dataset.key = key;
      row.textContent = `${key}: ${value}`;
      panel.append(row);
    }
  };

  const layout = async () => {
    const gv = await graphviz();
    const t0 = performance.now();
    canvas.innerHTML = gv.layout(model.get("dot"), "svg", "dot");
    const ms = performance.now() - t0;
    svg = canvas.querySelector("svg");
    nodes.clear();
    for (const g of canvas.querySelectorAll("g.node")) {
      const id = g.querySelector("title")?.textContent;
      if (!id) continue;
      nodes.set(id, g);
      g.dataset.awId = id;
      g.addEventListener("click", (event) => {
        event.stopPropagation();
        model.set("selected", id);
        model.save_changes();
      });
    }
    view = { scale: 1, x: 0, y: 0 };
    applyView();
    patchLabels();
    patchClasses();
    el.dataset.layoutMs = ms.toFixed(1);
    el.dataset.nodes = String(nodes.size);
  };

  // Pan with the mouse, zoom with the wheel, double-click to reset.
  let drag = null;
  canvas.addEventListener("mousedown", (e) => { drag = { x: e.clientX - view.x, y: e.clientY - view.y }; });
  window.addEventListener("mouseup", () => { drag = null; });
  canvas.addEventListener("mousemove", (e) => {
    if (!drag) return;
    view.x = e.clientX - drag.x;
    view.y = e.clientY - drag.y;
    applyView();
  });
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
  canvas.addEventListener("dblclick", () => { view = { scale: 1, x: 0, y: 0 }; applyView(); });

  model.on("change:dot", layout);
  model.on("change:labels", patchLabels);
  model.on("change:freed", patchClasses);
  model.on("change:selected", patchClasses);
  model.on("change:highlight", patchClasses);
  model.on("change:details", showDetails);
  layout();
  showDetails();
}

export default { render };
