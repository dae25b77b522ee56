"""Jupyter widgets that draw and drive backward graphs; they read the graph model (..graph)."""
from .graph_view import GraphView, show
from .jacobian import JacobianExplorer
from .playground import BackwardPlayground
from .stepper import BackwardStepper
from .training import TrainingLoop

__all__ = ["GraphView", "show", "BackwardPlayground", "JacobianExplorer", "BackwardStepper", "TrainingLoop"]
