"""The graph model: any backward graph (this core's or PyTorch's) as plain nodes and edges."""
from .dot import to_dot, to_svg
from .model import Graph, GraphEdge, GraphNode, walk

__all__ = ["Graph", "GraphEdge", "GraphNode", "walk", "to_dot", "to_svg"]
