// Module clusters (graph/dot.py draws each module as a Graphviz cluster, id "awc-<path>"; a collapsed
// module is one node, id "m-<path>"). A click on a cluster's label, or on a collapsed module's node,
// asks Python to collapse or expand that module (GraphView.toggle); Python answers with new DOT.

export const MODULE_CSS = `
.aw-graph g.cluster text { cursor: pointer; }
.aw-graph g.cluster text:hover { text-decoration: underline; }
`;

// Each cluster's module path on its <g>; Graphviz's tooltip (the subgraph's name) removed.
export function tidyClusters(canvas) {
  for (const g of canvas.querySelectorAll("g.cluster")) {
    g.dataset.awModule = g.id.replace(/^awc-/, "");
    g.querySelector("title")?.remove();
  }
}

// A node group's id in the graph model: its DOT name, which graph/dot.py also puts in the group's SVG
// id ("aw-" + name); graph.js keeps it in data-aw-id for a drawing made otherwise.
export const nodeId = (g) => g?.dataset.awId ?? (g?.id.startsWith("aw-") ? g.id.slice(3) : undefined);

// The module path a click on `target` toggles, or null when it was not on a module's label.
export function moduleClicked(target, canvas) {
  const label = target.closest?.("g.cluster text");
  if (label && canvas.contains(label)) return label.closest("g.cluster").dataset.awModule ?? null;
  const id = nodeId(target.closest?.("g.node"));
  return id?.startsWith("m-") ? id.slice(2) : null;
}
