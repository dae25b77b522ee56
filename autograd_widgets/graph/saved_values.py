"""What a backward function saved, by the names PyTorch gives it (`self`, `dim`, `stride`, ...).

`read(node, name)` is `node._saved_<name>` where the node has it (PyTorch's nodes, and this core's
for most values); else what this core keeps under another name (an activation's `params`, a
convolution's `_ConvParams`, a pooling window), or what can be derived from what PyTorch saves.
Freed: a backward without retain_graph released it. Missing: neither library keeps it.
"""
import sys

from . import derivative_ops
from .details import is_tensor


class Missing(Exception):
    """A name a formula needs that the node does not hold (freed, or not saved by this library)."""


class Freed(Missing):
    pass


def read(node, name):
    """The value `name` of a node: `_saved_<name>`, else what this core keeps under another name."""
    try:
        value = getattr(node, "_saved_" + name)
    except RuntimeError as e:  # PyTorch's words: "Trying to backward through the graph a second time ..."
        raise Freed(name) from e
    except AttributeError:
        value = _alias(node, name)
    if name == "correction" and value is None:  # var/std's default: Bessel's correction
        return 1
    return _signed(value)


def _signed(v):
    """PyTorch reads a saved negative int64 (dim=-1) back as its unsigned bit pattern: the int it was."""
    if isinstance(v, int) and not isinstance(v, bool) and v >= 2 ** 63:
        return v - 2 ** 64
    if isinstance(v, (tuple, list)) and any(isinstance(x, int) and x >= 2 ** 63 for x in v):
        return type(v)(_signed(x) for x in v)
    return v


def _alias(node, name):
    """Saved values this core keeps under other names than PyTorch's, and PyTorch's that can be derived."""
    d = getattr(node, "__dict__", {})
    params = d.get("params")
    if isinstance(params, dict) and name in params:
        return params[name]
    if params is not None and hasattr(params, "stride"):  # a convolution's
        conv = {"stride": params.stride, "padding": tuple(lo for lo, _ in params.pads), "dilation": params.dilation,
                "groups": params.groups, "transposed": params.transposed,
                "output_padding": params.output_padding or (0,) * len(params.stride)}
        if name in conv:
            return conv[name]
    pool = d.get("pool")
    if pool is not None:
        p = vars(pool)
        found = {"kernel_size": p["kernel"], "stride": p["stride"], "padding": tuple(lo for lo, _ in p["pads"]),
                 "dilation": p["dilation"], "ceil_mode": any(hi > lo for lo, hi in p["pads"])}
        if name in found:
            return found[name]
    loss_params = d.get("p")
    if isinstance(loss_params, dict) and name in loss_params:
        return loss_params[name]
    norm = d.get("norm")
    if norm is not None:
        if name == "eps":
            return norm.eps
        if name == "normalized_shape":
            return norm.param_shape
        if name == "running_mean" and not d.get("training", True):  # eval mode kept the running statistics
            return _first(node, "result1", "save_mean")
        if name == "running_var" and not d.get("training", True):
            return _first(node, "result2", "save_invstd") ** -2 - norm.eps
    index = d.get("index")
    if isinstance(index, slice) and name in ("start", "end", "step"):
        return {"start": index.start, "end": index.stop, "step": index.step}[name]
    matrices = d.get("matrices")
    if matrices is not None and name in ("A", "A_h", "A_w"):
        lib = derivative_ops.lib(_any_tensor(node))
        return lib.tensor(matrices[{"A": -1, "A_h": 0, "A_w": 1}[name]])
    renamed = {"indices": "index", "padding": "pad", "dim": "dims", "self_sym_sizes": "self_shape", "training": "train",
               "self": "self_or_result", "A_inv": "inverse", "inverse": "result", "L": "result"}
    if name in renamed:
        try:
            return read(node, renamed[name])
        except Missing:
            pass
    if name in ("threshold",):
        return 0.0
    if name in ("alpha", "beta") and type(node).__name__ in ("AddmmBackward0", "RsubBackward0", "RsubBackward1"):
        return 1
    return _derived(node, name)


def _derived(node, name):
    """PyTorch values derivable from what PyTorch saves (so one formula serves both libraries)."""
    def saved(n):
        return getattr(node, "_saved_" + n)
    try:
        if name == "self_sym_sizes":
            return tuple(saved("self").shape)
        if name == "input_shape":  # repeat's input (this core's self_sym_sizes is padded to the repeats)
            return tuple(saved("self_sym_sizes"))
        if name == "dim" and type(node).__name__ == "SqueezeBackward0":
            return [i for i, n in enumerate(saved("self_sym_sizes")) if n == 1]
        if name == "output_size":
            return (saved("grad_output_sym_argsize_minus_2"), saved("grad_output_sym_argsize_minus_1"))
        if name == "eps" and type(node).__name__.startswith("NativeLayerNorm"):
            x, rstd = saved("input").detach(), _first(node, "result2", "rstd").detach()  # numbers, not a graph
            R = tuple(range(x.dim() - len(saved("normalized_shape")), x.dim()))
            return float((rstd ** -2 - derivative_ops.centered(x, R).pow(2).mean(R, keepdim=True)).mean())
        if name == "divisor":
            return _avg_pool_divisor(node)
        if name in ("A", "A_h", "A_w"):
            return _interpolation_matrix(node, name)
        if name == "sizes":  # cat's inputs along dim: each input's shape, as the node it came from records it
            dim = _signed(saved("dim"))
            return [fn._input_metadata[nr].shape[dim] if fn is not None else 0 for fn, nr in node.next_functions]
    except AttributeError:
        pass
    raise Missing(name)


def _first(node, *names):
    for n in names:
        try:
            return getattr(node, "_saved_" + n)
        except AttributeError:
            continue
    raise AttributeError(names)


def _avg_pool_divisor(node):
    """What PyTorch's avg_pool2d divided each window by, from its saved arguments."""
    x = node._saved_self
    override = node._saved_divisor_override
    if override:
        return override
    F = derivative_ops.lib(x).nn.functional
    ones = x.new_ones(tuple(x.shape))
    k, s, p, c = node._saved_kernel_size, node._saved_stride, node._saved_padding, node._saved_ceil_mode
    return derivative_ops.window_sum(ones, k, s, p, c) / F.avg_pool2d(ones, k, s, p, c, node._saved_count_include_pad)


def _any_tensor(node):
    for n in ("_saved_self", "_saved_result"):
        try:
            t = getattr(node, n)
            if is_tensor(t):
                return t
        except (AttributeError, RuntimeError):
            continue
    return _CoreLib()


class _CoreLib:
    """Stands for a tensor of this core when a node saved none (lib() reads the module name)."""
    __module__ = "autograd_widgets.tensor"


def _interpolation_matrix(node, name):
    """PyTorch's upsampling along one dim as a matrix (out, in): the upsampled columns of an identity."""
    sizes, out = node._saved_self_sym_sizes, node._saved_output_size
    scale = node._saved_scales if name == "A" else getattr(node, "_saved_scales_" + name[-1])
    n_in, n_out = (sizes[-2], out[0]) if name == "A_h" else (sizes[-1], out[-1])
    kind = type(node).__name__[len("Upsample"):].split("1D")[0].split("2D")[0]
    mode = {"Nearest": "nearest", "NearestExact": "nearest-exact"}.get(kind, "linear")
    T = sys.modules["torch"]  # only PyTorch's nodes get here: this core's keep their matrices (_alias)
    eye = T.eye(n_in, dtype=T.float64).reshape(n_in, 1, n_in)
    size = {"scale_factor": scale, "recompute_scale_factor": False} if scale else {"size": n_out}
    align = {"align_corners": node._saved_align_corners} if mode == "linear" else {}
    return T.nn.functional.interpolate(eye, mode=mode, **size, **align)[:, 0, :].t()

