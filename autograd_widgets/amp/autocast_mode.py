"""torch.autocast: regions whose ops PyTorch runs in float16 or bfloat16.

This engine computes in the dtypes it is given, so an enabled autocast would give other numbers than
PyTorch's: it raises, saying so. As in PyTorch, autocast on 'cuda' without a GPU warns and disables itself,
and `enabled=False` is a region like any other; so the recipe's code runs unchanged on a machine without one.
"""
import functools
import warnings

from .. import cuda, errors
from ..device import device as _device

_AUTOCAST_TYPES = ("cpu", "cuda", "mtia", "maia", "xpu", "hpu", "xla", "mps")


def is_autocast_available(device_type: str) -> bool:
    """Whether PyTorch offers autocast for `device_type` (a valid device type name)."""
    _device(device_type)  # an unknown name raises PyTorch's error
    return device_type in _AUTOCAST_TYPES


def is_autocast_enabled(device_type=None) -> bool:
    """False: no autocast region is ever enabled here (an enabled one raises)."""
    return False


def _default_dtype(device_type):
    from .. import float16
    return float16 if device_type in ("cuda", "mps") else None  # the CPU's bfloat16 is no dtype here


class autocast:
    """`with torch.autocast(device_type="cuda"):` — see the module's docstring for what runs."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise errors.value(f"Expected `device_type` of type `str`, got: `{type(device_type)}`",
                               "Name the device type as text: torch.autocast('cuda') or device_type=x.device.type.")
        if not is_autocast_available(device_type):
            raise errors.runtime(f"User specified an unsupported autocast device_type '{device_type}'",
                                 "autocast takes 'cuda' or 'cpu'.")
        self.device = device_type
        self.fast_dtype = _default_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        if enabled and device_type == "cuda" and not cuda.is_available():
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
            enabled = False
        if enabled:
            raise errors.not_implemented(
                f"autocast on '{device_type}' is not available in autograd_widgets",
                "PyTorch would run matrix products and other ops of this region in float16 or bfloat16, and print "
                "other numbers than this engine, which computes in the tensors' own dtypes. Leave autocast out "
                "(or pass enabled=False) to train in float32, or cast a model and its inputs with .half() yourself.")
        self._enabled = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorated
