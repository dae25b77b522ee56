"""torch.autograd: backward(), grad(), Function, Variable, functional, gradcheck."""
from collections.abc import Mapping

from .. import backend as B
from .. import errors
from ..engine import run_backward
from ..grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled  # noqa: F401
from ..node import edge_to
from ..tensor import Tensor
from . import functional, graph  # noqa: F401
from .batched import batched_backward
from .function import Function, FunctionCtx, once_differentiable  # noqa: F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401


def Variable(data, requires_grad=False, volatile=False):
    """The pre-0.4 wrapper: today it just returns a tensor (a leaf, requiring grad if asked)."""
    t = data.detach() if isinstance(data, Tensor) else Tensor(data)
    t = Tensor._make(t._data)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grads, is_grads_batched=False):
    """The seed gradient for each output: ones for a scalar, else the given one of the same shape."""
    out = []
    for i, (t, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if t._data.size != 1:
                raise errors.not_scalar()
            g = Tensor._make(_ones_like(t._data))
        else:
            if not isinstance(g, Tensor):
                from ..creation import tensor
                g = tensor(g, dtype=t.dtype)
            if (g[0]._data.shape if is_grads_batched else g._data.shape) != t._data.shape:  # g[0]: PyTorch's
                if is_grads_batched:  # IndexError for an empty or 0-d batch
                    # PyTorch drops the batch dimension twice here (grad[0].shape[1:]), so says so in its message
                    raise errors.batched_gradient_shape(i, g._data.shape[2:], t._data.shape)
                raise errors.gradient_shape(i, g._data.shape, t._data.shape)
            if g._data.dtype != t._data.dtype and not g._rg:
                g = Tensor._make(g._data.astype(t._data.dtype))
            if B.device_of(g._data) != B.device_of(t._data):  # not .device: a seed per backward is a hot path
                g = _to_output_device(i, g, t)
        out.append(g)
    return out


def _to_output_device(i, g, t):
    """PyTorch's engine moves a 0-dim gradient to its output's device and refuses any other."""
    if g.ndim == 0:
        return g.to(t.device)
    raise errors.runtime(f"invalid gradient at index {i} - expected device {t.device} but got {g.device}",
                         "The gradient you pass to backward must live where the output lives: "
                         f"create it with device='{t.device}' or move it with .to(out.device).")


def _ones_like(a):
    return B.ns(a).ones_like(a)


def _roots(outputs):
    roots = []
    for i, t in enumerate(outputs):
        if not t._rg:
            raise errors.no_grad_fn(i)
        roots.append(edge_to(t))
    return roots


def _check_inputs(inputs):
    inputs = _as_tuple(inputs)
    if inputs is not None:
        if not inputs:
            raise errors.runtime("`inputs` argument to `backward()` cannot be empty.",
                                 "Pass the leaves whose .grad you want, or leave inputs=None for all of them.")
        for i, t in enumerate(inputs):
            if not t._rg:
                raise errors.input_no_grad(i)
            if t.grad_fn is None:
                edge_to(t)  # make sure the leaf's AccumulateGrad exists
    return inputs


def _gradients(given, n_outputs):
    """The weights v of v^T·J, one per output (None: implicit); PyTorch checks their types first."""
    grads = _as_tuple(given) or (None,) * n_outputs
    for g in grads:
        if g is not None and not isinstance(g, Tensor):
            raise errors.type_error(f"gradients can be either Tensors or None, but got {type(g).__name__}",
                                    "Each gradient is a tensor shaped like its output: torch.tensor([...]), not a "
                                    "Python list or number.")
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Add the gradients of `tensors` (weighted by `grad_tensors`) into the `.grad` of the leaves."""
    outputs = _as_tuple(tensors)
    grads = _gradients(grad_tensors if grad_tensors is not None else grad_variables, len(outputs))
    if len(grads) != len(outputs):
        raise errors.runtime(f"got {len(grads)} tensors and {len(outputs)} gradients",
                             "Pass one gradient per output tensor (None for a scalar output).")
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        import warnings
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when creating "
                      "the graph to avoid this. If you have to use this function, make sure to reset the .grad fields "
                      "of your parameters to None after use to break the cycle and avoid the leak.", UserWarning,
                      stacklevel=3)
    roots = _roots(outputs)
    inputs = _check_inputs(inputs)
    grads = _make_grads(outputs, grads)
    run_backward(roots, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


vmap_loops_running = 0  # torch.func.vmap's per-example loops now running (func/vmap.py counts them)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs` (tensors, autograd.graph.GradientEdges, or a dict
    of tensors: then a dict comes back), returned; no `.grad` is touched."""
    from .graph import GradientEdge
    outputs = _as_tuple(outputs)
    keys = None
    if type(inputs) is dict:
        keys, inputs = tuple(inputs), tuple(inputs.values())
    elif isinstance(inputs, Mapping):
        raise errors.type_error(f"`inputs` argument to `grad()` must be a dict, not {type(inputs).__name__}. Other "
                                "Mapping types are not supported.", "Pass dict(inputs).")
    inputs = (inputs,) if isinstance(inputs, GradientEdge) else _as_tuple(inputs)
    if not inputs:
        raise errors.runtime("`inputs` argument to `grad()` cannot be empty.",
                             "Name the tensors whose gradients you want.")
    if materialize_grads and allow_unused is False:
        raise errors.value("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                           "allow_unused=False.", "materialize_grads gives unused inputs zeros: allow them.")
    grads = _gradients(grad_outputs, len(outputs))
    if retain_graph is None:  # torch.func.vmap runs the call once per example: each needs the graph
        retain_graph = create_graph or vmap_loops_running > 0
    if allow_unused is None:
        allow_unused = materialize_grads
    roots = _roots(outputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, GradientEdge) and not t._rg:
            raise errors.input_no_grad(i)
    grads = _make_grads(outputs, grads, is_grads_batched)
    if is_grads_batched:
        results = batched_backward(roots, grads, retain_graph, create_graph, inputs)
    else:
        results = run_backward(roots, grads, retain_graph, create_graph, inputs=inputs, accumulate=False)
    for i, r in enumerate(results):
        if r is None:
            if materialize_grads:
                if isinstance(inputs[i], GradientEdge):
                    raise errors.runtime("materialize_grads cannot be used when the given input is a GradientEdge",
                                         "Give the tensor itself, or leave materialize_grads off.")
                from ..creation import zeros_like
                results[i] = zeros_like(inputs[i], requires_grad=create_graph)
            elif not allow_unused:
                raise errors.unused_input(i)
    return dict(zip(keys, results)) if keys is not None else tuple(results)


class set_detect_anomaly:
    """Accepted for compatibility; anomaly detection is not implemented (errors already name the op)."""

    def __init__(self, mode=True, check_nan=True):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


detect_anomaly = set_detect_anomaly

from . import profiler  # noqa: E402,F401  (torch.autograd.profiler.profile)
from . import forward_ad  # noqa: E402,F401  (torch.autograd.forward_ad.dual_level, make_dual, ...)


def __getattr__(name):
    raise errors.not_supported(f"torch.autograd.{name}")
