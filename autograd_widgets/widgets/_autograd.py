"""Small helpers the widgets share: whose autograd a tensor belongs to, and how numbers are written."""
import importlib


def module_of(t):
    """`torch` for a PyTorch tensor, else `autograd_widgets`: widgets call that module's autograd."""
    return importlib.import_module("torch" if type(t).__module__.startswith("torch") else "autograd_widgets")


def as_list(x):
    """A tensor's values as nested Python lists (a float for a 0-d tensor)."""
    return x.detach().cpu().numpy().tolist()


def index_text(flat, shape):
    """The multi-index of element `flat` of a tensor of `shape`, as written in v[0,1]."""
    idx = []
    for s in reversed(shape):
        idx.append(flat % s)
        flat //= s
    return ",".join(str(i) for i in reversed(idx))


def fmt(v):
    """Nested lists of numbers written compactly: [[12, 194]], None for no gradient."""
    if v is None:
        return "None"
    if isinstance(v, list):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    return f"{v:g}"
