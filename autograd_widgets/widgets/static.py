"""What a widget's output says where widgets do not run: GitHub, nbviewer, an HTML export without
widget state.

ipywidgets puts two things in a widget's output: `application/vnd.jupyter.widget-view+json` (a
model id, which only a live front end or saved widget state can draw) and `text/plain` (the
repr). Renderers without the widget's state fall back to the next format they know (nbconvert:
text/html before text/plain; GitHub and nbviewer alike), so each widget here adds `text/html`:
what it is, and its graph as it was when the output was made, as SVG laid out by Graphviz's
`dot` program (when installed; otherwise the text says so). JupyterLab and Notebook still prefer
the live widget.
"""
import html

import graphviz

from ..graph import to_dot

SVG_MAX_NODES = 100  # larger graphs are described, not laid out: `dot` takes ~0.1 s per display at 100 nodes, more above


def static_svg(view) -> str:
    """The graph a GraphView draws, as SVG text ("" when `dot` is missing or the graph is large)."""
    if len(view.drawn.nodes) > SVG_MAX_NODES:
        return ""
    try:
        svg = to_dot(view.drawn, gradients=view.gradients, hidden=view.hidden).pipe(format="svg").decode()
        return svg[svg.find("<svg"):]  # without the XML prologue and doctype, to sit inside HTML
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError):
        return ""


def static_html(title: str, views) -> str:
    """A paragraph naming the widget, then each view's graph (or why it is not drawn)."""
    parts = [f"<p class='aw-static'><b>{html.escape(title)}</b> &mdash; an interactive autograd_widgets widget; "
             "run the notebook to use it. Its graph as it was when saved:</p>"]
    for view in views:
        svg = static_svg(view)
        parts.append(f"<div class='aw-static-graph'>{svg}</div>" if svg else
                     f"<p class='aw-static'>(graph of {len(view.drawn.nodes)} nodes not drawn here: "
                     "Graphviz's `dot` was not installed or the graph is large)</p>")
    return "".join(parts)


class StaticFallback:
    """Mixin for a widget: its output also carries `text/html` (static_html) for renderers without widgets.
    `_static_views()` names the GraphViews whose graphs to draw."""

    def _static_views(self):
        return [self.view]

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)  # ipywidgets: data (None without a view); anywidget: (data, metadata)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if data is not None:
            data["text/html"] = static_html(repr(self), self._static_views())
        return bundle
