"""repr(tensor) exactly as PyTorch prints it (torch/_tensor_str.py, re-done over plain floats)."""
import math

from . import backend as B
from . import dtypes


class PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


OPTS = PrintOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    if profile == "default":
        OPTS.precision, OPTS.threshold, OPTS.edgeitems, OPTS.linewidth = 4, 1000, 3, 80
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            setattr(OPTS, name, value)
    OPTS.sci_mode = sci_mode


class _Formatter:
    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        if not floating:
            for v in values:
                self.max_width = max(self.max_width, len(_plain(v)))
            return
        finite = [v for v in values if math.isfinite(v) and v != 0]
        if not finite:
            return
        absv = [abs(v) for v in finite]
        lo, hi = min(absv), max(absv)
        self.int_mode = all(v == math.ceil(v) for v in finite)
        p = OPTS.precision
        # set_printoptions(sci_mode=...) decides before the widths are measured, as in PyTorch 2.13
        self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4 if OPTS.sci_mode is None else OPTS.sci_mode
        if self.sci_mode:
            widths = [len(f"{v:.{p}e}") for v in finite]
        elif self.int_mode:  # room for the "." that marks a float
            widths = [len(f"{v:.0f}") + 1 for v in finite]
        else:
            widths = [len(f"{v:.{p}f}") for v in finite]
        self.max_width = max([self.max_width] + widths)

    def format(self, v):
        if self.floating:
            p = OPTS.precision
            if self.sci_mode:
                s = f"{v:{self.max_width}.{p}e}"
            elif self.int_mode:
                s = f"{v:.0f}"
                if not (math.isinf(v) or math.isnan(v)):
                    s += "."
            else:
                s = f"{v:.{p}f}"
        else:
            s = _plain(v)
        return (self.max_width - len(s)) * " " + s


def _plain(v):
    return str(v)


def _summarized(a):
    """The elements shown when the tensor is too large to print whole."""
    e = OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * e:
        start = [_summarized(a[i]) for i in range(e)]
        end = [_summarized(a[i]) for i in range(a.shape[0] - e, a.shape[0])]
        parts = start + end
    else:
        parts = [_summarized(a[i]) for i in range(a.shape[0])]
    return B.ns(a).stack(parts) if parts else a


def _vector(a, indent, summarize, fmt):
    element_length = fmt.max_width + 2
    per_line = max(1, int(math.floor((OPTS.linewidth - indent) / element_length)))
    vals = a.tolist()
    e = OPTS.edgeitems
    if summarize and len(vals) > 2 * e:
        data = [fmt.format(v) for v in vals[:e]] + [" ..."] + [fmt.format(v) for v in vals[-e:]]
    else:
        data = [fmt.format(v) for v in vals]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    e = OPTS.edgeitems
    if summarize and a.shape[0] > 2 * e:
        slices = ([_body(a[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."] +
                  [_body(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0] - e, a.shape[0])])
    else:
        slices = [_body(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _values_str(a, indent):
    floating = a.dtype.kind == "f"
    summarize = a.size > OPTS.threshold
    shown = _summarized(a) if summarize else a
    flat = shown.reshape(-1).tolist()
    if a.dtype.kind == "b":
        fmt = _Formatter(flat, False)
    else:
        fmt = _Formatter(flat, floating)
    return _body(a, indent, summarize, fmt)


def _add_suffixes(text, suffixes, indent, force_newline):
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


_DEFAULT_SHOWN = ("int64", "bool")


def tensor_repr(t):
    a = B.to_host(t._data)
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    dt = dtypes.of_array(a)
    device = B.device_of(t._data)
    if device != "cpu":
        suffixes.append(f"device='{device}:0'")
    if a.size == 0:  # PyTorch names every dtype but the default one here, int64 and bool included
        text = "[]"
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
    else:
        text = _values_str(a, indent)
    if dt is not dtypes.get_default_dtype() and (a.size == 0 or dt.name not in _DEFAULT_SHOWN):
        suffixes.append(f"dtype={dt!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._rg:
        suffixes.append("requires_grad=True")
    if t._fw_grad is not None:  # a dual tensor (autograd.forward_ad); a 0-d tangent formats as its number
        suffixes.append(f"tangent={t._fw_grad}")
    out = _add_suffixes(prefix + text, suffixes, indent, False)
    if type(t).__name__ == "Parameter":
        return "Parameter containing:\n" + out
    return out
