// Bundles src/graph.js into one ES module that anywidget loads; the output is a build artifact,
// never committed. The layout worker (src/layout_worker.js, with Graphviz's WebAssembly) is
// bundled first and imported by src/layout.js as text ("virtual:layout-worker"), because an
// anywidget module cannot serve a second file: the page starts the worker from a Blob URL.
// Graphviz's WebAssembly goes in gzipped (src/graphviz_wasm.js, "virtual:graphviz-wasm") in place
// of the package's own base91 + zstd copy, which the worker decoded in JavaScript.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { Graphviz } from "@hpcc-js/wasm-graphviz";

// The package's WebAssembly, as it hands it to WebAssembly.instantiate when it loads.
async function graphvizWasm() {
  const instantiate = WebAssembly.instantiate;
  let wasm = null;
  WebAssembly.instantiate = (source, imports) => {
    if (ArrayBuffer.isView(source)) wasm ??= source;
    return instantiate(source, imports);
  };
  try {
    await Graphviz.load();
  } finally {
    WebAssembly.instantiate = instantiate;
  }
  if (!wasm) throw new Error("@hpcc-js/wasm-graphviz did not pass its WebAssembly to WebAssembly.instantiate");
  return wasm;
}

const gzipped = gzipSync(await graphvizWasm(), { level: 9 }).toString("base64");
const unpacker = resolve("src/graphviz_wasm.js");

// The package's `X ??= zstd(base91(blob))` becomes `X ??= wasmBinary()`, and its blob an empty string.
const graphvizPatch = {
  name: "graphviz-wasm",
  setup(b) {
    b.onResolve({ filter: /^virtual:graphviz-wasm$/ }, (args) => ({ path: args.path, namespace: "graphviz-wasm" }));
    b.onLoad({ filter: /.*/, namespace: "graphviz-wasm" }, () => ({
      contents: `export default ${JSON.stringify(gzipped)};`,
      loader: "js",
    }));
    b.onLoad({ filter: /@hpcc-js[\\/]wasm-graphviz[\\/]dist[\\/]index\.js$/ }, async (args) => {
      let text = await readFile(args.path, "utf8");
      const decode = /([\w$]+)\?\?=[\w$]+\([\w$]+\(([\w$]+)\)\),([\w$]+)\(\{wasmBinary:\1,/.exec(text);
      const name = decode?.[2].replace(/\$/g, "\\$");
      const blobAt = decode ? text.search(new RegExp(`(?<![\\w$])${name}='`)) : -1;
      const blobEnd = blobAt < 0 ? -1 : text.indexOf("'", blobAt + decode[2].length + 2);
      if (!decode || blobEnd - blobAt < 100_000) {
        throw new Error("build.mjs: @hpcc-js/wasm-graphviz no longer loads its WebAssembly as expected; update graphvizPatch");
      }
      text = text.slice(0, blobAt) + `${decode[2]}=''` + text.slice(blobEnd + 1);
      text = text.replace(decode[0], `${decode[1]}??=__awWasmBinary(),${decode[3]}({wasmBinary:${decode[1]},`);
      return { contents: `import { wasmBinary as __awWasmBinary } from ${JSON.stringify(unpacker)};\n${text}`, loader: "js" };
    });
  },
};

const worker = await build({
  entryPoints: ["src/layout_worker.js"],
  bundle: true,
  format: "iife",
  minify: true,
  target: "es2020",
  write: false,
  plugins: [graphvizPatch],
});

const layoutWorker = {
  name: "layout-worker",
  setup(b) {
    b.onResolve({ filter: /^virtual:layout-worker$/ }, (args) => ({ path: args.path, namespace: "layout-worker" }));
    b.onLoad({ filter: /.*/, namespace: "layout-worker" }, () => ({
      contents: `export default ${JSON.stringify(worker.outputFiles[0].text)};`,
      loader: "js",
    }));
  },
};

await build({
  entryPoints: ["src/graph.js"],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  outfile: "../autograd_widgets/static/graph.js",
  plugins: [layoutWorker],
});
