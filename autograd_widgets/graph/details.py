"""What a node holds, read through the attributes this core and PyTorch share.

Tensors: shape, dtype, data, grad, requires_grad, is_leaf, retains_grad, version, grad_fn.
Backward functions: class name, next_functions, the leaf of an AccumulateGrad, and saved
tensors (`_saved_<name>`), which read "freed" once a backward without retain_graph released them.
"""


def is_tensor(x):
    """A tensor of this core or of PyTorch (duck-typed: the graph model never imports torch)."""
    return hasattr(x, "grad_fn") and hasattr(x, "requires_grad") and hasattr(x, "shape")


def is_module(x):
    """A model of this core or of PyTorch (an object, not a class, with a `named_parameters()` method)."""
    try:
        return not isinstance(x, type) and callable(getattr(x, "named_parameters", None))
    except Exception:  # noqa: BLE001 - a notebook object whose __getattr__ raises something else: not a model
        return False


def parameter_names(module):
    """{id(parameter): (dotted name, parameter)}: `fc1.weight`, `0.bias`, as module.named_parameters() names them."""
    try:
        return {id(p): (name, p) for name, p in module.named_parameters() if is_tensor(p)}
    except Exception:  # noqa: BLE001 - an object that only looks like a model names nothing
        return {}


def values(t, limit=6):
    """A tensor's (or NumPy array's) values as printed ('[[10., 98.]]'), or its first `limit` numbers then '...'."""
    if t is None:
        return "None"
    try:
        if hasattr(t, "detach"):
            t = t.detach()
            data = (t.cpu() if t.is_cuda else t).numpy()
        else:
            data = t
    except Exception:  # noqa: BLE001 - exotic tensors (sparse, meta): show what str() gives
        return str(t)
    if data.size <= limit:
        return _nested(data.tolist())
    return "[" + ", ".join(_nested(x) for x in data.reshape(-1)[:limit].tolist()) + ", ...]"


def _nested(x):
    if isinstance(x, list):
        return "[" + ", ".join(_nested(v) for v in x) + "]"
    if isinstance(x, int):  # integer and bool tensors print their numbers as PyTorch does: 2, True
        return str(x)
    return _num(float(x))


def _num(x):
    """PyTorch's style for whole numbers ('10.'), four significant digits otherwise ('nan', 'inf' too)."""
    if x.is_integer() and -1e6 < x < 1e6:
        return f"{x:.0f}."
    return f"{x:.4g}"


def grad_of(t):
    """`t.grad` where PyTorch fills it (leaves, tensors that retain grad), else None without a warning."""
    if t.grad_fn is None or getattr(t, "retains_grad", False):
        return t.grad
    return None


def tensor_details(t):
    d = {"shape": list(t.shape), "dtype": str(t.dtype), "data": values(t, 12)}
    if t.device.type != "cpu":  # values were copied to the host for display only
        d["device"] = str(t.device)
    if t.grad_fn is None or getattr(t, "retains_grad", False):
        d["grad"] = values(t.grad, 12)
    d.update(requires_grad=bool(t.requires_grad), is_leaf=t.grad_fn is None,
             retains_grad=bool(getattr(t, "retains_grad", False)), version=getattr(t, "_version", 0))
    if t.grad_fn is not None:
        d["grad_fn"] = type(t.grad_fn).__name__
    return d


_SAVED_NAMES = {}
_NOT_SAVED = ("next_functions", "variable", "metadata")


def saved_names(fn):
    """The `_saved_*` attributes of a backward function, as PyTorch names them.

    PyTorch's classes list them; this core's name saved tensors in `saves` and keep the other
    saved values (exponent, dim, ...) as public attributes of the node."""
    cls = type(fn)
    if not hasattr(cls, "saves"):  # PyTorch's: its class lists them (this core's list every name any node may keep)
        names = _SAVED_NAMES.get(cls)
        if names is None:
            names = _SAVED_NAMES[cls] = [n for n in dir(cls) if n.startswith("_saved_")]
        return names
    extra = [k for k in getattr(fn, "__dict__", ()) if not k.startswith("_") and k not in _NOT_SAVED]
    return ["_saved_" + s for s in cls.saves] + ["_saved_" + k for k in extra]


FREED = "freed"


def saved(fn):
    """{name: value summary} of what a backward function saved; FREED after a backward released it."""
    out = {}
    for n in saved_names(fn):
        try:
            v = getattr(fn, n)
        except RuntimeError:  # "Trying to backward through the graph a second time (or directly access ...)"
            out[n[7:]] = FREED
            continue
        except AttributeError:
            continue
        out[n[7:]] = values(v) if is_tensor(v) else repr(v)
    return out


def is_freed(fn):
    """Whether a backward released the tensors `fn` saved (reading one raises, as in PyTorch)."""
    for n in saved_names(fn):
        try:
            v = getattr(fn, n)
        except RuntimeError:
            return True
        except AttributeError:
            continue
        if is_tensor(v):  # PyTorch frees saved tensors together; non-tensors (ints, sizes) stay readable
            return False
    return False


def function_details(fn):
    d = {"name": type(fn).__name__,
         "next_functions": ", ".join(f"({type(n).__name__ if n is not None else None}, {i})"
                                     for n, i in fn.next_functions) or "()"}
    variable = getattr(fn, "variable", None)
    if variable is not None:
        d["variable"] = values(variable)
    for k, v in saved(fn).items():
        d[f"saved {k}"] = v
    return d
