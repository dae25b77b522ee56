"""Process-wide switches tutorials set: deterministic algorithms, float32 matmul precision, torch.compile.

This package's algorithms are deterministic and its float32 products full precision, so the switches are
kept and reported back (and checked as PyTorch checks them); torch.compile returns the model as written.
"""
import warnings

from . import errors

_deterministic = {"mode": False, "warn_only": False}
_matmul_precision = ["highest"]


def use_deterministic_algorithms(mode, *, warn_only=False):
    if not isinstance(mode, bool):
        raise errors.type_error(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                                f"{type(mode).__name__}", "Pass True or False.")
    _deterministic.update(mode=mode, warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _deterministic["warn_only"]


def set_float32_matmul_precision(precision: str) -> None:
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _matmul_precision[0] = precision


def get_float32_matmul_precision() -> str:
    return _matmul_precision[0]


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,  # noqa: A001
            disable=False, name=None, recompile_limit=None, isolate_recompiles=False, shapes_spec=None):
    """torch.compile: the model (or function) itself, run as written; as a decorator too (`@torch.compile`)."""
    if model is None:
        return lambda fn: fn
    if not callable(model):
        raise errors.runtime("torch.compile() expects a callable (a module or a function)",
                             "Pass the model or function to compile, e.g. torch.compile(model).")
    return model
