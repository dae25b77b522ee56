"""The graph model: any backward graph (this core's or PyTorch's) as plain nodes and edges.

    g = walk(loss)                 # Graph: nodes (tensors, backward functions), edges
    g.to_data()                    # plain JSON-able data, every node's details (derivatives=True: explain's too)
    to_dot(fold(g, 400))           # a graphviz.Digraph, long chains and large middles folded
    to_svg(g)                      # SVG text (needs Graphviz's `dot` program)
    collapse(g, ["fc1"])           # module fc1 drawn as one node (modules.py: which module made each node)
    explain(loss.grad_fn)          # the derivative a node applies, as formulas with its numbers
"""
from .details import is_freed, is_tensor, values
from .dot import labels, to_dot, to_svg
from .explain import Explanation, explain
from .fold import collapse, fold
from .model import Graph, GraphEdge, GraphNode, walk
from .modules import watch
from .names import notebook_tensors

__all__ = ["Graph", "GraphEdge", "GraphNode", "walk", "fold", "collapse", "watch", "to_dot", "to_svg", "labels",
           "values", "is_freed", "is_tensor", "notebook_tensors", "explain", "Explanation"]
