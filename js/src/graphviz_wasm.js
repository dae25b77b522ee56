// Graphviz's WebAssembly for the layout worker, carried gzipped and base64-encoded (build.mjs) and
// unpacked by the browser's own decoders: the package's base91 + zstd decoders run as JavaScript on
// cold code in a freshly started worker, 90 ms on a quiet machine and 200-400 ms beside a page that
// is rendering, all of it before the first layout of the page could start.
import gzipped from "virtual:graphviz-wasm";

let bytes = null;

const fromBase64 = (text) => (Uint8Array.fromBase64
  ? Uint8Array.fromBase64(text)
  : Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));

// Unpacks the WebAssembly once; Graphviz.load() (patched by build.mjs) then takes it from wasmBinary().
export async function unpackWasm() {
  if (bytes) return;
  if (typeof DecompressionStream === "undefined") {
    throw new Error("this browser has no DecompressionStream (Chrome 80+, Firefox 113+ and Safari 16.4+ have it), "
      + "which unpacks Graphviz's WebAssembly: open the notebook in a newer browser");
  }
  const stream = new Blob([fromBase64(gzipped)]).stream().pipeThrough(new DecompressionStream("gzip"));
  bytes = new Uint8Array(await new Response(stream).arrayBuffer());
}

export const wasmBinary = () => {
  if (!bytes) throw new Error("Graphviz's WebAssembly was not unpacked (unpackWasm) before Graphviz.load()");
  return bytes;
};
