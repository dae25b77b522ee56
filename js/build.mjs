// Bundles src/graph.js (and the Graphviz WebAssembly it imports) into one ES module that
// anywidget loads; the output is a build artifact, never committed.
import { build } from "esbuild";

await build({
  entryPoints: ["src/graph.js"],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  outfile: "../autograd_widgets/static/graph.js",
});
