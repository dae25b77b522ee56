"""autograd_widgets: a PyTorch-faithful autograd engine on NumPy, and widgets that show it at work.

`import autograd_widgets as torch` runs small PyTorch autograd programs unchanged.
"""
import inspect as _inspect

from . import dtypes as _dtypes
from . import errors as _errors
from .tensor import Tensor
from . import methods as _methods  # noqa: F401  (binds the op methods onto Tensor)
from .node import entry_point as _entry_point
from . import transfer as _transfer  # noqa: F401
from .size import Size
from .storage import TypedStorage, UntypedStorage
from .device import device
from .dtypes import float32, float64, float16, int64, int32, int16, int8, uint8, bool  # noqa: A004
from .dtypes import get_default_dtype, set_default_dtype
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (arange, as_tensor, empty, empty_like, eye,
                       from_numpy, full, full_like, linspace, ones, ones_like, tensor, zeros, zeros_like)
from . import random  # noqa: F401  (torch.random)
from .random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .random_ops import (bernoulli, multinomial, normal, rand, rand_like, randint, randint_like, randn, randn_like,
                         randperm)
from .ops.pointwise import add, mul, pow, rsub, sub, where  # noqa: A004
from .ops.linalg import bmm, dot, matmul, mm, mv
from .ops.reduce import mean, norm, sum, return_types  # noqa: A004
from .ops.shape import cat, flatten, squeeze, stack, transpose, unsqueeze
from .ops.shape import torch_permute as permute, torch_reshape as reshape
from .ops.indexing import narrow, select
from .ops.split import chunk, split, unbind
from .printing import set_printoptions
from .threads import get_num_interop_threads, get_num_threads, set_num_interop_threads, set_num_threads
from .runtime_flags import (are_deterministic_algorithms_enabled, compile, get_float32_matmul_precision,  # noqa: A004
                            is_deterministic_algorithms_warn_only_enabled, set_float32_matmul_precision,
                            use_deterministic_algorithms)
from .dtypes import dtype  # noqa: E402 (torch.dtype: isinstance(x.dtype, torch.dtype))
from . import autograd, nn  # noqa: F401
from . import keywords as _keywords

float, double, long, half = float32, float64, int64, float16  # noqa: A001 - PyTorch's aliases
int, short = int32, int16  # noqa: A001
__version__ = "0.1.0"


_MISSING = object()
_ONE_INPUT = _inspect.Signature([_inspect.Parameter("input", _inspect.Parameter.POSITIONAL_OR_KEYWORD),
                                 _inspect.Parameter("out", _inspect.Parameter.KEYWORD_ONLY, default=None)])


def _method(name):
    """torch.<name>(input, ...) running Tensor.<name>; a one-input op's node straight away (the hot path)."""
    def general(input, *args, **kwargs):
        if not isinstance(input, Tensor):  # (a number has no such method: PyTorch's TypeError, not ours)
            raise _errors.not_tensor(name, "input", input, 1, f"torch.{name}() works on a tensor: make one with "
                                     f"torch.tensor(...) first (math.{name} and numpy.{name} take numbers).")
        return getattr(input, name)(*args, **kwargs)
    general.__name__ = name
    op = getattr(getattr(Tensor, name), "op", None)  # methods._m's methods name their op
    if op is None:
        return general
    def one_input(input=_MISSING, *args, **kwargs):  # left after accept took input= and out=: PyTorch's words
        if input is _MISSING:
            raise TypeError(f'{name}() missing 1 required positional arguments: "input"')
        if args:
            raise TypeError(f"{name}() takes 1 positional argument but {1 + len(args)} were given")
        if kwargs:
            raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
        return general(input)
    one_input.__name__ = name
    with_keywords = _keywords.accept(one_input, ("input",))
    fn = _entry_point(op, with_keywords, 1)  # one tensor: op's recorder straight away
    fn.__name__ = fn.__qualname__ = name
    fn.pytorch_keywords = ("input",)
    fn.__signature__ = _ONE_INPUT  # PyTorch's: tanh(input, *, out=None)
    return fn


exp, log, sin, cos, tanh, sigmoid, relu, sqrt, neg, clone, t, softmax, log_softmax, abs, max, min, \
    argmax, argmin, reciprocal, sign, sgn, negative = (_method(n) for n in (  # noqa: A001
        "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt", "neg", "clone", "t", "softmax",
        "log_softmax", "abs", "max", "min", "argmax", "argmin", "reciprocal", "sign", "sgn", "neg"))


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(t):
    return t.numel()


_SUBMODULES = ("cuda", "optim", "utils", "profiler", "backends", "testing", "distributions",  # loaded on first use
               "func", "amp")
_WIDGETS = ("show", "GraphView", "BackwardPlayground", "JacobianExplorer", "BackwardStepper", "TrainingLoop")


def __getattr__(name):
    # The core imports no widget code; widget names load it on first use.
    if name in _WIDGETS:
        from . import widgets
        return getattr(widgets, name)
    if name == "watch":  # the graph layer's, as the widgets: `with autograd_widgets.watch(model):`
        from .graph.modules import watch
        return watch
    if name == "explain":  # the graph layer's, loaded on first use as the widgets are
        from .graph.explain import explain
        return explain
    if name == "vmap":  # torch.vmap is torch.func.vmap
        from .func import vmap
        return vmap
    if name in ("autocast", "is_autocast_enabled"):  # torch.autocast is torch.amp.autocast
        from . import amp
        return getattr(amp, name)
    if name in _SUBMODULES:  # not `from . import cuda`: that asks this __getattr__ for the name again
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    from . import errors
    raise errors.not_supported(f"torch.{name}")


# --- forms tutorials write (issue 9): grad-mode helpers, constants, devices, submodules -------------
from .grad_mode import is_inference_mode_enabled  # noqa: E402
import sys as _sys  # noqa: E402
from . import unsupported as _unsupported  # noqa: E402
from . import methods_forms as _methods_forms  # noqa: E402
_unsupported.install()
_methods_forms.bind()
_torch_functions = _methods_forms.torch_functions()
from . import methods_more as _methods_more  # noqa: E402  (bitwise, amax, median, roll, atan2, lerp, finfo, ...)
_methods_more.bind()
_keywords.SIGNATURES.update(_methods_more.SIGNATURES)
_torch_functions.update(_methods_more.torch_functions())
globals().update(_methods_more.TYPES)
globals().update({k: v for k, v in _torch_functions.items() if k not in globals()})
from .ops.products import einsum  # noqa: E402
from . import linalg  # noqa: E402  (torch.linalg)
from . import matrix_forms as _matrix_forms  # noqa: E402  (torch.det, A.det(), torch.svd, torch.trace, ...)
_matrix_forms.bind()
globals().update(_matrix_forms.FUNCTIONS, **_matrix_forms.TORCH_ONLY)
_keywords.install(_sys.modules[__name__], Tensor, more=_torch_functions)
from math import e, inf, nan, pi  # noqa: E402  (torch.pi, ... are these Python floats)
from .device import get_default_device, set_default_device  # noqa: E402
from .legacy_types import BoolTensor, DoubleTensor, FloatTensor, LongTensor  # noqa: E402
from .serialization import load, save  # noqa: E402
from . import accelerator  # noqa: E402, F401
_unsupported.install_tensor_names(Tensor)  # last: after every method is bound
