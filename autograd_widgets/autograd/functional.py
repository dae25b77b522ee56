"""torch.autograd.functional: jacobian, hessian, vjp, jvp, built on autograd.grad."""
from ..creation import zeros_like
from ..grad_mode import enable_grad
from ..tensor import Tensor


def _tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _leaves(inputs, create_graph):
    return tuple(x if create_graph and x._rg else x.detach().requires_grad_(True) for x in inputs)


def _grads(outputs, inputs, grad_outputs, create_graph):
    from . import grad
    need = [o for o in outputs if o._rg]
    if not need:
        return tuple(None for _ in inputs)
    gos = [g for o, g in zip(outputs, grad_outputs) if o._rg]
    return grad(need, inputs, gos, retain_graph=True, create_graph=create_graph, allow_unused=True)


def _fill(grads, inputs, strict=False):
    return tuple(g if g is not None else zeros_like(x) for g, x in zip(grads, inputs))


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T·J)."""
    is_tuple = not isinstance(inputs, Tensor)
    with enable_grad():
        xs = _leaves(_tuple(inputs), create_graph)
        out = func(*xs)
        outs = _tuple(out)
        vs = _tuple(v) if v is not None else (None,) * len(outs)
        g = _fill(_grads(outs, xs, vs, create_graph), xs)
    out = out if create_graph else (out.detach() if isinstance(out, Tensor) else tuple(o.detach() for o in out))
    g = g if create_graph else tuple(x.detach() for x in g)
    return out, (g if is_tuple else g[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: one reverse pass per output element (rows of J)."""
    is_tuple = not isinstance(inputs, Tensor)
    with enable_grad():
        xs = _leaves(_tuple(inputs), create_graph)
        out = func(*xs)
        out_tuple = not isinstance(out, Tensor)
        outs = _tuple(out)
        result = []
        for o in outs:
            flat = o.reshape(-1)
            rows = [[] for _ in xs]
            for k in range(flat.numel()):  # as PyTorch: a one-hot grad_output per row, not flat[k]
                one_hot = zeros_like(flat)
                one_hot._data[k] = 1
                gs = _grads((flat,), xs, (one_hot,), create_graph) if flat._rg else (None,) * len(xs)
                for j, (g, x) in enumerate(zip(gs, xs)):
                    rows[j].append((g if g is not None else zeros_like(x)).reshape(-1))
            blocks = []
            for j, x in enumerate(xs):
                from ..ops.shape import stack
                block = stack(rows[j]) if rows[j] else zeros_like(x).reshape(0, -1)
                block = block.reshape(tuple(o.shape) + tuple(x.shape))
                blocks.append(block if create_graph else block.detach())
            result.append(tuple(blocks))
    if not out_tuple and not is_tuple:
        return result[0][0]
    if not out_tuple:
        return result[0]
    if not is_tuple:
        return tuple(r[0] for r in result)
    return tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of scalar func at inputs (the Jacobian of its gradient)."""
    is_tuple = not isinstance(inputs, Tensor)

    def gradient(*xs):
        from . import grad
        out = func(*xs)
        if out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single element Tensor")
        gs = grad(out.reshape(()) if out.ndim else out, xs, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else zeros_like(x) for g, x in zip(gs, xs))

    h = jacobian(gradient, _tuple(inputs), create_graph=create_graph)
    return h if is_tuple else h[0][0]


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J·v), by the double-vjp trick: J·v = d/du (v · J^T u), all in reverse mode."""
    from . import grad
    with enable_grad():
        xs = _leaves(_tuple(inputs), create_graph)
        out = func(*xs)
        outs = _tuple(out)
        vs = _tuple(v) if v is not None else tuple(None for _ in xs)
        us = tuple(zeros_like(o).requires_grad_(True) for o in outs)
        gx = grad(outs, xs, us, create_graph=True, allow_unused=True)
        pairs = [(g, vv) for g, vv in zip(gx, vs) if g is not None and g._rg]
        if pairs:
            jv = grad([g for g, _ in pairs], us, [vv for _, vv in pairs], create_graph=create_graph,
                      allow_unused=True)
        else:
            jv = (None,) * len(us)
        jv = tuple(j if j is not None else zeros_like(o) for j, o in zip(jv, outs))
    out = out if create_graph else (out.detach() if isinstance(out, Tensor) else tuple(o.detach() for o in out))
    jv = jv if create_graph else tuple(j.detach() for j in jv)
    return out, (jv[0] if isinstance(out, Tensor) else jv)


def _scalar_output(func, xs, name):
    out = func(*xs)
    if not isinstance(out, Tensor) or out.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {name} should contain a single element")
    return out


def _default_v(v, xs):
    if v is not None:
        return _tuple(v)
    if len(xs) != 1 or xs[0].numel() != 1:
        raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                           "Tensor with a single element.")
    from ..creation import ones_like
    return (ones_like(xs[0]),)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), vᵀ·H) for a scalar func: the gradient of the gradient, weighted by v."""
    is_tuple = not isinstance(inputs, Tensor)
    with enable_grad():
        xs = _leaves(_tuple(inputs), create_graph)
        out = _scalar_output(func, xs, "vhp")
        jac = _fill(_grads((out,), xs, (None,), True), xs)
        result = _fill(_grads(jac, xs, _default_v(v, xs), create_graph), xs)
    return _detached(out, result, create_graph, is_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H·v) for a scalar func, by PyTorch's double-backward trick (H is applied, never built)."""
    from . import grad
    is_tuple = not isinstance(inputs, Tensor)
    with enable_grad():
        xs = _leaves(_tuple(inputs), create_graph)
        out = _scalar_output(func, xs, "hvp")
        jac = _fill(_grads((out,), xs, (None,), True), xs)
        us = tuple(zeros_like(x).requires_grad_(True) for x in xs)
        double_back = grad(jac, xs, us, create_graph=True, allow_unused=True)
        result = _fill(_grads(double_back, us, _default_v(v, xs), create_graph), xs)
    return _detached(out, result, create_graph, is_tuple)


def _detached(out, result, create_graph, is_tuple):
    if not create_graph:
        out, result = out.detach(), tuple(r.detach() for r in result)
    return out, (result if is_tuple else result[0])


def __getattr__(name):
    from .. import errors
    raise errors.not_supported(f"torch.autograd.functional.{name}")
