// Bundles src/graph.js into one ES module that anywidget loads; the output is a build artifact,
// never committed. The layout worker (src/layout_worker.js, with Graphviz's WebAssembly) is
// bundled first and imported by src/layout.js as text ("virtual:layout-worker"), because an
// anywidget module cannot serve a second file: the page starts the worker from a Blob URL.
import { build } from "esbuild";

const worker = await build({
  entryPoints: ["src/layout_worker.js"],
  bundle: true,
  format: "iife",
  minify: true,
  target: "es2020",
  write: false,
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
