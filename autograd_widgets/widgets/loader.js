// What every GraphView carries (a few hundred bytes): the real front end, Graphviz compiled to
// WebAssembly (~800 KB), rides once per kernel in a hidden runtime widget; anywidget's host hands
// its exports to every view (anywidget >= 0.11, "widget composition"). A widget whose `front` names
// another export (HeatMap: "renderHeatMap") is drawn by that one.
export default {
  async render({ model, el, host }) {
    if (!host || !host.getWidget) {
      el.textContent = "GraphView needs anywidget >= 0.11 in this Jupyter front end (pip install -U anywidget).";
      return;
    }
    const runtime = await host.getWidget(model.get("runtime"));
    return runtime.exports[model.get("front") || "render"]({ model, el });
  },
};
