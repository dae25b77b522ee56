"""Op-table rows (see op_cases.py for the row format): nn.functional's layers and activations (linear, conv2d, max_pool2d, layer_norm, ...)"""
from op_cases import ANY, AWAY, POS  # noqa: F401

CASES = [
]
