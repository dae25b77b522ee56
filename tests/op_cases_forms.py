"""Op-table rows (see op_cases.py for the row format): tensor ops tutorials use: clamp, in-place unary ops, comparisons, ..."""
from op_cases import ANY, AWAY, POS  # noqa: F401

CASES = [
]
