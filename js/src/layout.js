// Layouts run in one Web Worker per page (layout_worker.js, carried in this bundle as text and
// started from a Blob URL); the page only parses the SVG that comes back.
import workerSource from "virtual:layout-worker";

let worker = null;
let nextId = 0;
let createdAt = 0; // when the worker was asked for (ms since the epoch): its startup = bornAt - createdAt
const pending = new Map(); // id -> { resolve, reject }

// A split SVG as the worker packs it (layout_worker.js, packed): its parts are decoded one at a
// time as the page draws them, and its boxes stay one Float64Array (`at`, four numbers per id).
function unpacked({ head, tail, bytes, ends, ids, at }) {
  const decoder = new TextDecoder();
  const parts = {
    length: ends.length,
    *[Symbol.iterator]() {
      for (let i = 0; i < ends.length; i += 1) yield decoder.decode(bytes.subarray(i ? ends[i - 1] : 0, ends[i]));
    },
  };
  return { head, tail, parts, boxes: { ids, at } };
}

function start() {
  if (worker) return worker;
  const url = URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" }));
  createdAt = performance.timeOrigin + performance.now();
  worker = new Worker(url);
  worker.onmessage = ({ data }) => {
    const job = pending.get(data.id);
    if (!job) return;
    pending.delete(data.id);
    if (data.error) job.reject(new Error(data.error));
    else job.resolve({ ...data, ...(data.split && { split: unpacked(data.split) }), startMs: data.bornAt - createdAt });
  };
  worker.onerror = (e) => { // a worker that failed to start fails every layout waiting for it
    for (const job of pending.values()) job.reject(new Error(e.message || "the layout worker failed"));
    pending.clear();
    worker = null;
  };
  return worker;
}

// Start the worker (and its WebAssembly compile and warm-up) before any view asks for a layout: as
// soon as this bundle is evaluated, which is when the first widget of a page asks for the runtime.
export const warmUp = () => { start(); };
if (typeof Worker !== "undefined") warmUp();

// The SVG Graphviz makes of `dot` ({ svg }, or { split } for a large one: progressive.js), the
// milliseconds its layout took in the worker (ms), waited there (queuedMs), and the worker's load time.
export function layoutSvg(dot) {
  return new Promise((resolve, reject) => {
    const id = (nextId += 1);
    pending.set(id, { resolve, reject });
    start().postMessage({ id, dot, sent: performance.timeOrigin + performance.now() });
  });
}
