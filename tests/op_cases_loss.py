"""Op-table rows (see op_cases.py for the row format): nn.functional's losses (cross_entropy, nll_loss, bce, ...)"""
from op_cases import ANY, AWAY, POS  # noqa: F401

CASES = [
]
