// HeatMap's front end (widgets/heatmap.py): a matrix of numbers drawn on one canvas, one pixel block
// per element, red for positive and blue for negative; the value under the pointer is written below
// it. A 1,000 x 1,000 Jacobian is one image, not a million table cells. Editable, it is the gradient
// v editor of large outputs: click an element, then type its value or make v one-hot on it, its
// row or its column, or all ones. Edits go to Python as small messages; Python owns the values
// and sends them back, so what the page shows is always what backward() gets.

import { addStyle, element } from "./style.js";

const CSS = `
.aw-heatmap { font-family: monospace; font-size: 12px; display: inline-block; max-width: 100%; }
.aw-heatmap .aw-hm-title { color: #555; margin-bottom: 2px; }
.aw-heatmap canvas { display: block; image-rendering: pixelated; border: 1px solid #ccc; cursor: crosshair;
  max-width: 100%; }
.aw-heatmap .aw-hm-readout { min-height: 1.4em; white-space: pre; }
.aw-heatmap .aw-hm-tools { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin-top: 2px; }
.aw-heatmap .aw-hm-tools input { width: 7em; font-family: monospace; }
.aw-heatmap .aw-hm-tools button { font-size: 12px; padding: 1px 6px; cursor: pointer; }
.aw-heatmap .aw-hm-tools button:disabled { cursor: default; }
`;

const MAX_SIDE = 480; // CSS px the longer side may take
const MAX_CELL = 28; // px per element when there are few


// The values as a typed array (ipywidgets hands bytes over as a DataView).
function readValues(model) {
  const view = model.get("data");
  if (!view || !view.byteLength) return new Float64Array(0);
  const bytes = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
  return model.get("dtype") === "float32" ? new Float32Array(bytes) : new Float64Array(bytes);
}

// "3,1" for element `flat` of a tensor of `shape`, as v[3,1] is written.
function indexText(flat, shape) {
  if (!shape.length) return "";
  const idx = [];
  for (let d = shape.length - 1; d >= 0; d -= 1) {
    idx.push(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return idx.reverse().join(",");
}

const fmt = (x) => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(5)).toString());

export function color(x, scale) {
  const a = Math.min(1, Math.abs(x) / (scale || 1));
  const c = Math.round(255 * (1 - 0.75 * a));
  return x > 0 ? [255, c, c] : x < 0 ? [c, c, 255] : [255, 255, 255];
}

export function renderHeatMap({ model, el }) {
  addStyle("aw-heatmap-style", CSS);
  const root = element("div", "aw-heatmap");
  const title = element("div", "aw-hm-title");
  const canvas = element("canvas");
  const readout = element("div", "aw-hm-readout");
  root.append(title, canvas, readout);
  el.append(root);

  let values = new Float64Array(0);
  let cell = 1;
  let hover = -1;
  let picked = -1; // the element the tools act on (editable maps)
  const rows = () => model.get("rows");
  const cols = () => model.get("cols");

  const label = (flat) => {
    const r = Math.floor(flat / cols()), c = flat % cols();
    if (model.get("kind") === "matrix") { // J: a row per output element, a column per input element
      return `${model.get("row_name")}[${indexText(r, model.get("row_shape"))}] / `
        + `${model.get("col_name")}[${indexText(c, model.get("col_shape"))}]`;
    }
    const shape = model.get("row_shape");
    return shape.length ? `${model.get("row_name")}[${indexText(flat, shape)}]` : model.get("row_name");
  };

  const draw = () => {
    const t0 = performance.now();
    const R = rows(), C = cols();
    cell = Math.max(1, Math.min(MAX_CELL, Math.floor(MAX_SIDE / Math.max(R, C, 1))));
    canvas.width = Math.max(1, C * cell);
    canvas.height = Math.max(1, R * cell);
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(Math.max(C, 1), Math.max(R, 1));
    const scale = model.get("scale");
    for (let i = 0; i < R * C; i += 1) {
      const [r, g, b] = color(values[i] ?? 0, scale);
      image.data.set([r, g, b, 255], 4 * i);
    }
    // One pixel per element, then scaled up without smoothing: sharp blocks, one putImageData.
    const small = document.createElement("canvas");
    small.width = image.width;
    small.height = image.height;
    small.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
    if (cell >= 6) { // faint lines between elements, so each one reads as a cell to click
      ctx.strokeStyle = "rgba(0, 0, 0, 0.12)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let c = 1; c < C; c += 1) ctx.moveTo(c * cell + 0.5, 0), ctx.lineTo(c * cell + 0.5, R * cell);
      for (let r = 1; r < R; r += 1) ctx.moveTo(0, r * cell + 0.5), ctx.lineTo(C * cell, r * cell + 0.5);
      ctx.stroke();
    }
    const outline = (flat, style) => {
      if (flat < 0 || flat >= R * C) return;
      ctx.strokeStyle = style;
      ctx.lineWidth = Math.max(1, Math.min(3, cell / 4));
      ctx.strokeRect((flat % C) * cell + 0.5, Math.floor(flat / C) * cell + 0.5, cell - 1, cell - 1);
    };
    const row = model.get("selected_row");
    if (row >= 0 && row < R) {
      ctx.strokeStyle = "#d33";
      ctx.lineWidth = Math.max(1, Math.min(2, cell / 4));
      ctx.strokeRect(0.5, row * cell + 0.5, C * cell - 1, Math.max(1, cell - 1));
    }
    if (cell >= 4) outline(picked, "#111");
    root.dataset.drawMs = (performance.now() - t0).toFixed(1);
    root.dataset.rows = String(R);
    root.dataset.cols = String(C);
    root.dataset.cell = String(cell);
  };

  const show = (flat) => {
    if (flat < 0 || flat >= values.length) {
      readout.textContent = hover < 0 && picked >= 0 ? `${label(picked)} = ${fmt(values[picked])}` : " ";
      return;
    }
    readout.textContent = `${label(flat)} = ${fmt(values[flat])}`;
  };

  const at = (e) => { // the element under the pointer
    const box = canvas.getBoundingClientRect();
    const c = Math.floor(((e.clientX - box.left) / box.width) * cols());
    const r = Math.floor(((e.clientY - box.top) / box.height) * rows());
    const flat = r * cols() + c;
    return r >= 0 && r < rows() && c >= 0 && c < cols() && flat < values.length ? flat : -1;
  };
  canvas.addEventListener("mousemove", (e) => {
    hover = at(e);
    root.dataset.hover = String(hover);
    show(hover);
  });
  canvas.addEventListener("mouseleave", () => {
    hover = -1;
    show(-1);
  });

  // The tools of the v editor.
  const tools = element("div", "aw-hm-tools");
  const input = element("input");
  input.type = "number";
  input.step = "any";
  input.title = "the picked element's value (Enter sets it)";
  const send = (msg) => model.send(msg);
  const button = (text, cls, onClick) => {
    const b = element("button", cls);
    b.textContent = text;
    b.addEventListener("click", onClick);
    tools.append(b);
    return b;
  };
  const pickedText = element("span");
  tools.append(pickedText, input);
  const needPick = [
    button("set", "aw-hm-set", () => send({ type: "set", index: picked, value: Number(input.value) })),
    button("one-hot here", "aw-hm-onehot", () => send({ type: "one_hot", index: picked })),
    button("row only", "aw-hm-row", () => send({ type: "row", row: Math.floor(picked / cols()) })),
    button("column only", "aw-hm-col", () => send({ type: "column", col: picked % cols() })),
  ];
  button("all ones", "aw-hm-ones", () => send({ type: "fill", value: 1 }));
  button("all zeros", "aw-hm-zeros", () => send({ type: "fill", value: 0 }));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && picked >= 0) send({ type: "set", index: picked, value: Number(input.value) });
  });
  const showPick = () => {
    const has = picked >= 0 && picked < values.length;
    for (const b of needPick) b.disabled = !has;
    input.disabled = !has;
    pickedText.textContent = has ? `${label(picked)} =` : "click an element to edit it";
    if (has && document.activeElement !== input) input.value = String(values[picked]);
    root.dataset.picked = String(has ? picked : -1);
  };
  canvas.addEventListener("click", (e) => {
    const flat = at(e);
    if (flat < 0) return;
    if (model.get("editable")) {
      picked = flat;
      showPick();
      draw();
      show(hover);
    } else {
      send({ type: "click", row: Math.floor(flat / cols()), col: flat % cols() });
    }
  });

  const update = () => {
    values = readValues(model);
    title.textContent = model.get("title");
    tools.style.display = model.get("editable") ? "" : "none";
    if (model.get("editable") && !tools.isConnected) root.append(tools);
    showPick();
    draw();
    show(hover);
  };
  model.on("msg:custom", (msg) => {
    if (msg && msg.type === "refused") readout.textContent = "not a finite number: v is unchanged";
  });
  for (const name of ["data", "rows", "cols", "scale", "title", "selected_row", "editable"]) {
    model.on(`change:${name}`, update);
  }
  update();
}
