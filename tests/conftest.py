"""Loaded by pytest before any test under tests/: puts this folder on sys.path, so the helper modules kept
beside the tests (op_cases*, raised, graph_names, checked_namespace, seed_programs) import by their plain
names under any --import-mode, for a single file as for the whole suite, and whatever folder pytest runs in."""
import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
