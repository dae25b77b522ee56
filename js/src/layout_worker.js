// The layout worker: Graphviz (WebAssembly) lays out DOT text off the page's main thread, so a
// 2,000-node graph never freezes typing in the notebook. It is bundled on its own and carried as
// text inside the runtime bundle (anywidget's ES module cannot serve a second file), then started
// from a Blob URL (layout.js).
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { unpackWasm } from "./graphviz_wasm.js";

// A graph shaped like the ones GraphView sends (boxes with monospace multi-line labels, dashed
// edges), laid out again and again while no view is waiting: the engine compiles the hot functions
// optimised then, instead of during the first real layouts (480 ms for 197 nodes the first time,
// 68 ms warm, before this warm-up). A real layout always goes first: the warm-up yields to the
// message queue between two of its layouts, and starts with small ones (a view's first layout is
// usually asked while the warm-up runs: it waits for one warm-up layout at most, run on cold code).
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
const SPLIT_ABOVE = 600_000; // chars of SVG (~500 nodes): a smaller one goes into the page at once
const PART_CHARS = 24_000; // of SVG per part of a large one (a few milliseconds to parse)
const queue = [];
let warmed = 0; // ms of warm-up layouts so far
let warmUps = 0;
let scheduled = false;
const born = performance.now();
let loadedMs = NaN; // worker start -> Graphviz compiled and ready

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

// The waiting layout with the shortest DOT: a small graph is drawn at once rather than after a
// 2,000-node one asked a moment before it.
function next() {
  let best = 0;
  for (let i = 1; i < queue.length; i += 1) if (queue[i].dot.length < queue[best].dot.length) best = i;
  return queue.splice(best, 1)[0];
}

// A large SVG in parts the page can parse one at a time between frames (progressive.js): the head (the
// <svg>, its graph group and background), the top-level groups of clusters, nodes and edges in runs of
// about PART_CHARS (each node and edge group follows a "<!-- name -->" comment line), the closing
// tail, and each node's and edge's box (`boxes`: group id -> [x0, y0, x1, y1] in the graph group's
// units), so the page shows only the groups near its view (painting all 2,000 took ~300 ms a frame).
// Graphviz's SVG without its comments, the line breaks between tags and the groups' <title>s (the
// page knows a node by its group's id, "aw-" + its DOT name, and shows no tooltip of internal ids):
// two thirds of a drawing's DOM nodes (a 2,000-node graph: 25,000 whitespace text nodes, 4,000
// comments and 4,000 titles with their text beside 19,000 other elements), each one parsed, kept in
// the page's DOM, torn down when the graph is drawn again and traced by the page's collector. Text
// content never holds a line break (each label line is its own <text>).
export const compact = (svg) => svg.replace(/<!--[^]*?-->/g, "").replace(/>\s*\n\s*</g, "><")
  .replace(/(class="(?:node|edge|cluster)">)<title>[^<]*<\/title>/g, "$1");

// Every node and edge group of a split drawing starts hidden (the groups that get a box, below): the
// page shows the few near its view (progressive.js, Culling) instead of hiding thousands one by one.
const hideGroups = (part) => part.replace(/(<g id="[^"]*" class="(?:node|edge)")>/g, "$1 style=\"display:none\">");

export function svgParts(svg, partChars = PART_CHARS, above = SPLIT_ABOVE) {
  const tailAt = svg.lastIndexOf("</g>");
  const open = svg.indexOf("<g id=\"graph0\"");
  const bodyAt = svg.indexOf("\n<", svg.indexOf("<polygon", open)); // after the background polygon
  if (svg.length <= above || open < 0 || bodyAt < 0 || tailAt < bodyAt) return null;
  const parts = [];
  const boxes = {};
  let start = bodyAt;
  while (start < tailAt) {
    let end = svg.indexOf("\n<!-- ", Math.min(start + partChars, tailAt));
    if (end < 0 || end > tailAt) end = tailAt;
    const part = svg.slice(start, end);
    addBoxes(part, boxes);
    parts.push(hideGroups(compact(part)));
    start = end;
  }
  return { head: compact(svg.slice(0, bodyAt)), parts, tail: svg.slice(tailAt), boxes };
}

// One pass over a part: a node's or edge's opening tag starts a box; every coordinate after it
// (polygon points, path data, text anchors, ellipses) widens it. Text anchors only: the page pads boxes.
const SHAPES = /<g id="([^"]*)" class="(?:node|edge)">|(?:points|d)="([^"]*)"|\b(?:x|cx)="(-?[\d.]+)" (?:y|cy)="(-?[\d.]+)"(?: rx="([\d.]+)" ry="([\d.]+)")?/g;
const unescape = (id) => id.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
  .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&amp;/g, "&");

function addBoxes(part, boxes) {
  let box = null;
  const see = (x, y, rx, ry) => {
    if (x - rx < box[0]) box[0] = x - rx;
    if (x + rx > box[2]) box[2] = x + rx;
    if (y - ry < box[1]) box[1] = y - ry;
    if (y + ry > box[3]) box[3] = y + ry;
  };
  for (const [, id, list, x, y, rx, ry] of part.matchAll(SHAPES)) {
    if (id !== undefined) {
      box = [Infinity, Infinity, -Infinity, -Infinity];
      boxes[unescape(id)] = box;
    } else if (!box) {
      continue; // a cluster's coordinates: clusters are always shown
    } else if (list !== undefined) {
      const n = list.split(/[^-\d.]+/).filter(Boolean);
      for (let i = 0; i + 1 < n.length; i += 2) see(+n[i], +n[i + 1], 0, 0);
    } else see(+x, +y, +(rx || 0), +(ry || 0));
  }
}

// A split SVG as the page receives it: the parts' UTF-8 in one buffer (`bytes`, part i ending at
// ends[i]) and the boxes as ids plus four numbers each (`at`), buffers transferred rather than
// copied. As strings and arrays, the page's structured clone took 5-15 ms and every young-generation
// collection during the drawing copied the 2 MB of parts again (one took 30 ms).
function packed({ head, parts, tail, boxes }) {
  const encoder = new TextEncoder();
  const encoded = parts.map((part) => encoder.encode(part));
  const bytes = new Uint8Array(encoded.reduce((n, e) => n + e.length, 0));
  const ends = new Uint32Array(encoded.length);
  let end = 0;
  encoded.forEach((e, i) => {
    bytes.set(e, end);
    end += e.length;
    ends[i] = end;
  });
  const ids = Object.keys(boxes);
  const at = new Float64Array(4 * ids.length);
  ids.forEach((id, i) => at.set(boxes[id], 4 * i));
  return [{ head, tail, bytes, ends, ids, at }, [bytes.buffer, ends.buffer, at.buffer]];
}

function work(gv) {
  if (queue.length) {
    const job = next();
    const t0 = performance.now();
    try {
      const svg = gv.layout(job.dot, "svg", "dot");
      const ms = performance.now() - t0;
      const split = svgParts(svg);
      const [pack, transfer] = split ? packed(split) : [null, []];
      self.postMessage({ id: job.id, ...(split ? { split: pack } : { svg: compact(svg) }), ms, queuedMs: t0 - job.at,
        deliveredMs: job.deliveredMs, loadedMs, bornAt: performance.timeOrigin + born }, transfer);
    } catch (err) {
      self.postMessage({ id: job.id, error: String(err && err.message ? err.message : err) });
    }
  } else if (warmed < WARM_UP_MS) {
    const t0 = performance.now();
    gv.layout(warmUpDot(Math.min(40, 4 + 4 * warmUps)), "svg", "dot");
    warmed += performance.now() - t0;
    warmUps += 1;
  }
  if (queue.length || warmed < WARM_UP_MS) schedule(gv);
}

if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  const ready = unpackWasm().then(() => Graphviz.load());
  ready.then((gv) => {
    loadedMs = performance.now() - born;
    schedule(gv);
  });
  self.onmessage = ({ data }) => {
    // deliveredMs: posted by the page -> received here (a warm-up layout running delays it)
    queue.push({ ...data, at: performance.now(), deliveredMs: performance.timeOrigin + performance.now() - data.sent });
    ready.then(schedule, (err) => self.postMessage({ id: data.id, error: String(err) }));
  };
}
