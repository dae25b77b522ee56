"""torch.get_num_threads / set_num_threads and their inter-op pair.

The count is kept for what depends on it in PyTorch's results (how arange splits its values among threads,
ranges.py); NumPy's own BLAS threads are left as they are.
"""
import os

from . import errors


def default_threads() -> int:
    """PyTorch's default intra-op thread count: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_intra = [default_threads()]
_interop = [default_threads()]


def _count(name: str, n) -> int:
    """n, checked as PyTorch checks it (a RuntimeError for a bool, a float or a count below 1)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise errors.runtime(f"{name} expects an int, but got {type(n).__name__}",
                             f"{name} takes a whole number of threads, e.g. {name}(1).")
    if n <= 0:
        raise errors.runtime(f"{name} expects a positive integer", "At least one thread must do the work.")
    return n


def get_num_threads() -> int:
    """The number of threads PyTorch would use for intra-op parallelism."""
    return _intra[0]


def set_num_threads(int) -> None:  # noqa: A002 - PyTorch's parameter name
    """Sets that number (as torch.set_num_threads)."""
    _intra[0] = _count("set_num_threads", int)


def get_num_interop_threads() -> int:
    return _interop[0]


def set_num_interop_threads(int) -> None:  # noqa: A002 - PyTorch's parameter name
    _interop[0] = _count("set_num_interop_threads", int)
