"""PyTorch's keyword names for every function and method: `torch.matmul(input=a, other=b)`,
`x.sum(dim=0, keepdim=True)`, `torch.zeros(size=(2, 3))`, `x.view(size=(3, 2))`.

The ops keep their own short parameter names; `accept` puts a thin layer in front that turns
PyTorch's keywords into positions (only when keywords are given, so plain calls cost nothing more).
"""
import functools
import warnings

from . import errors
from .dtypes import scalar_name
from .grad_mode import GradMode
from .tensor import Tensor

# name -> PyTorch's names of its leading positional parameters, in order (as the function: `input` first;
# a method gets `self` there). A name after "*" in PyTorch's signature (alpha=, dtype=, keepdim=...) is
# left out when the op's own parameter already has PyTorch's name.
SIGNATURES = {
    "add": ("input", "other"), "sub": ("input", "other"), "subtract": ("input", "other"),
    "mul": ("input", "other"), "multiply": ("input", "other"), "div": ("input", "other"),
    "divide": ("input", "other"), "true_divide": ("input", "other"), "rsub": ("input", "other"),
    "pow": ("input", "exponent"), "where": ("condition", "input", "other"),
    "matmul": ("input", "other"), "mm": ("input", "mat2"), "bmm": ("input", "mat2"), "mv": ("input", "vec"),
    "dot": ("input", "tensor"),
    "sum": ("input", "dim"), "mean": ("input", "dim"), "norm": ("input", "p", "dim", "keepdim"),
    "max": ("input", "dim", "keepdim"), "min": ("input", "dim", "keepdim"), "argmax": ("input", "dim", "keepdim"),
    "argmin": ("input", "dim", "keepdim"), "softmax": ("input", "dim"), "log_softmax": ("input", "dim"),
    "reshape": ("input", "shape"), "view": ("input", "size"), "permute": ("input", "dims"),
    "expand": ("input", "size"), "transpose": ("input", "dim0", "dim1"), "squeeze": ("input", "dim"),
    "unsqueeze": ("input", "dim"), "flatten": ("input", "start_dim", "end_dim"), "t": ("input",),
    "narrow": ("input", "dim", "start", "length"), "select": ("input", "dim", "index"),
    "cat": ("tensors", "dim"), "stack": ("tensors", "dim"), "concat": ("tensors", "dim"),
    "concatenate": ("tensors", "axis"), "hstack": ("tensors",), "vstack": ("tensors",),
    "chunk": ("input", "chunks", "dim"), "split": ("tensor", "split_size_or_sections", "dim"), "unbind": ("input", "dim"),
    "zeros": ("size",), "ones": ("size",), "empty": ("size",), "full": ("size", "fill_value"),
    "rand": ("size",), "randn": ("size",),  # torch.randn(size=(), requires_grad=True), as d2l writes
    "zeros_like": ("input",), "ones_like": ("input",), "empty_like": ("input",), "full_like": ("input", "fill_value"),
    "numel": ("input",), "clone": ("input",), "allclose": ("input", "other"), "equal": ("input", "other"),
    "isclose": ("input", "other"), "from_numpy": ("ndarray",),
    # ops whose names are PyTorch's already, listed for NumPy's spellings (d2l writes A.sum(axis=1, keepdims=True))
    "var": ("input", "dim"), "std": ("input", "dim"), "prod": ("input", "dim"), "cumsum": ("input", "dim"),
    "logsumexp": ("input", "dim"), "sort": ("input", "dim"), "argsort": ("input", "dim"),
    "topk": ("input", "k", "dim"), "gather": ("input", "dim", "index"), "flip": ("input", "dims"),
}
# NumPy's names PyTorch's argument parser also accepts (torch/csrc/utils/python_arg_parser.cpp)
NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input", "x1": "input", "x2": "other"}


def accept(fn, names):
    """`fn` also callable with PyTorch's keyword `names` (its leading positional parameters, in order),
    NumPy's spellings of them, and `out=`."""
    known = frozenset(names) | frozenset(NUMPY_NAMES) | {"out"}

    @functools.wraps(fn)
    def with_keywords(*args, **kwargs):
        if kwargs and not known.isdisjoint(kwargs):
            kwargs = {NUMPY_NAMES.get(k, k): v for k, v in kwargs.items()}
            out = kwargs.pop("out", None)
            args = list(args)
            for name in names[len(args):]:
                if name not in kwargs:
                    break
                args.append(kwargs.pop(name))
            if out is not None:
                return _into(out, fn, args, kwargs)
        return fn(*args, **kwargs)
    with_keywords.pytorch_keywords = names
    return with_keywords


def install(module, tensor_type, more=()):
    """Put `accept` in front of the module's functions and the tensor type's methods named in SIGNATURES
    (and of the one-input functions named in `more`). A method whose only parameter is self keeps its plain
    form: PyTorch's takes no keywords (`x.exp(out=y)` is refused), so there is nothing to translate."""
    for name in more:
        SIGNATURES.setdefault(name, ("input",))
    for name, names in SIGNATURES.items():
        fn = module.__dict__.get(name)
        if fn is not None and not hasattr(fn, "pytorch_keywords"):
            setattr(module, name, accept(fn, names))
        method = tensor_type.__dict__.get(name)
        if method is not None and names[0] == "input" and len(names) > 1 and not hasattr(method, "pytorch_keywords"):
            setattr(tensor_type, name, accept(method, ("self",) + names[1:]))


def _into(out, fn, args, kwargs):
    """fn(*args, **kwargs) written into `out` (resized if its shape differs), as PyTorch's out= does."""
    tensors = [a for a in list(args) + list(kwargs.values()) + [out] if isinstance(a, Tensor)]
    if GradMode.enabled and any(t.requires_grad for t in tensors):
        raise errors.runtime(f"{fn.__name__}(): functions with out=... arguments don't support automatic "
                             "differentiation, but one of the arguments requires grad.",
                             "Drop out= and assign the result (y = torch.mul(a, b)), or compute under torch.no_grad().")
    result = fn(*args, **kwargs)
    data = result._data
    if data.dtype != out._data.dtype and data.dtype.kind == "f" and out._data.dtype.kind != "f":
        raise errors.runtime(f"result type {scalar_name(result.dtype)} can't be cast to the desired output type "
                             f"{scalar_name(out.dtype)}", "Give out= a tensor of the result's dtype.")
    if data.shape == out._data.shape:
        out._data[...] = data
    else:
        if out.numel():
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(out.shape)}, "
                          f"which does not match the required output shape {list(data.shape)}. This behavior is "
                          "deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                          "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                          "elements with t.resize_(0).", UserWarning, stacklevel=3)
        out._data = data.astype(out._data.dtype)
    out._bump()
    return out
