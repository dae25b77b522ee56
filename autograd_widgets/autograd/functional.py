"""torch.autograd.functional: jacobian, hessian, vjp, jvp, built on autograd.grad."""
from .. import backend as B
from .. import errors
from ..creation import zeros_like
from ..grad_mode import enable_grad
from ..ops.shape import stack
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


def _as_checked_tuple(x, arg_name, fn_name):
    """(whether x was a tuple, x as a tuple of tensors), refusing anything else as PyTorch's _as_tuple does."""
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, el in enumerate(xs):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise errors.type_error(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the {where} "
                f"has type {type(el)}.",
                f"{fn_name} differentiates with respect to tensors: pass one tensor, or a tuple of them (not a list).")
    return is_tuple, xs


def _grad_preprocess(inputs, create_graph):
    """Fresh tensors to differentiate with respect to (a view keeps the graph when create_graph is asked)."""
    return tuple(x.view_as(x) if create_graph and x._rg else x.detach().requires_grad_(True) for x in inputs)


def _unpack(res, is_outputs_tuple, is_inputs_tuple):
    if not is_inputs_tuple:
        res = tuple(el[0] for el in res)
    return res if is_outputs_tuple else res[0]


def _check_outputs_require_grad(outputs, strict):
    if strict:
        for i, o in enumerate(outputs):
            if not o._rg:
                raise errors.runtime(
                    f"Output {i} of the user-provided function does not require gradients. The outputs must be "
                    "computed in a differentiable manner from the input when running in strict mode.",
                    "strict=True asks every output to depend on the inputs through differentiable ops.")


def _check_strategy(strategy, hint=True):
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".' + (
            ' Hint: If your function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".' if hint else ""))


def _refuse_strict(what, other):
    raise errors.runtime(
        f"torch.autograd.functional.jacobian: `strict=True` and `{what}` are not supported together"
        f"{' (yet)' if what.startswith('strategy') else ''}. Please either set `strict=False` or `{other}`.",
        "strict mode checks each row of the Jacobian on its own, which the batched computation does not do.")


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs, one block per (output, input): shape output.shape + input.shape.

    vectorize=True computes all rows in one backward pass of stacked one-hot grad_outputs
    (autograd.grad(..., is_grads_batched=True)), as PyTorch does with vmap. strategy="forward-mode"
    (which PyTorch allows only with vectorize=True) gives the same values by that reverse pass: this
    engine has no forward mode. Without vectorize, and with create_graph=False, the rows come from the
    same single pass (a graph with hooks runs one pass per row, so hooks see what they would); with
    create_graph=True or strict=True they come, as in PyTorch, from one backward per output element,
    so the result's graph and strict's errors are PyTorch's.
    """
    _check_strategy(strategy)
    if strategy == "forward-mode":
        if create_graph:
            raise errors.not_implemented(
                "torch.autograd.functional.jacobian: `create_graph=True` and `strategy=\"forward-mode\"` are not "
                "supported together (yet). Please either set `create_graph=False` or `strategy=\"reverse-mode\"`.",
                "Forward mode gives the Jacobian as numbers only; use reverse mode to differentiate it again.")
        if strict:
            _refuse_strict('strategy="forward-mode"', 'strategy="reverse-mode"')
        _as_checked_tuple(inputs, "inputs", "jacobian")
        if not vectorize:
            raise errors.not_implemented(
                "Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly implemented for "
                "`vectorize=True`.", "Pass vectorize=True with strategy=\"forward-mode\".")
        vectorize = True
    with enable_grad():
        is_inputs_tuple, xs = _as_checked_tuple(inputs, "inputs", "jacobian")
        xs = _grad_preprocess(xs, create_graph)
        outputs = func(*xs)
        is_outputs_tuple, outs = _as_checked_tuple(outputs, "outputs of the user-provided function", "jacobian")
        _check_outputs_require_grad(outs, strict)
        if vectorize and strict:
            _refuse_strict("vectorized=True", "vectorize=False")
        if vectorize:
            blocks = _batched_jacobian(outs, xs, create_graph)
        elif not (create_graph or strict):  # each output on its own, as rows: no zeros from the others added in
            blocks = tuple(_batched_jacobian((o,), xs, create_graph)[0] if o.numel() else _no_rows() for o in outs)
        else:
            blocks = tuple(_rows_jacobian(i, o, xs, create_graph, strict) for i, o in enumerate(outs))
        if not create_graph:
            blocks = tuple(tuple(b.detach() for b in row) for row in blocks)
    return _unpack(blocks, is_outputs_tuple, is_inputs_tuple)


def _batched_jacobian(outs, xs, create_graph):
    """Every row of every output's Jacobian in one batched backward: grad_outputs are the identity's rows."""
    from . import grad
    numels = [o.numel() for o in outs]
    total = sum(numels)
    eye = B.ns(outs[0]._data).eye(total, dtype=outs[0]._data.dtype) if outs else None
    need, basis, start = [], [], 0
    for o, k in zip(outs, numels):
        if o._rg:
            need.append(o.reshape(-1))
            basis.append(Tensor._make(eye[:, start:start + k].astype(o._data.dtype)))
        start += k
    gs = grad(need, xs, basis, retain_graph=True, create_graph=create_graph, allow_unused=True,
              is_grads_batched=True) if need else (None,) * len(xs)
    cols = [g if g is not None else zeros_like(x).expand((total,) + tuple(x.shape)) for g, x in zip(gs, xs)]
    blocks, start = [], 0
    for o, k in zip(outs, numels):
        blocks.append(tuple(c[start:start + k].view(tuple(o.shape) + tuple(x.shape)) for c, x in zip(cols, xs)))
        start += k
    return tuple(blocks)


def _rows_jacobian(i, out, xs, create_graph, strict):
    """Output i's Jacobian as PyTorch builds it without vectorize: one backward per element out.reshape(-1)[j]."""
    rows = [[] for _ in xs]
    for j in range(out.numel()):
        vj = _grads((out.reshape(-1)[j],), xs, (None,), create_graph)
        for k, (g, x) in enumerate(zip(vj, xs)):
            if g is None:
                if strict:
                    raise _independent(i, k)
                g = zeros_like(x)
            elif strict and create_graph and not g._rg:
                raise errors.runtime(f"The jacobian of the user-provided function is independent of input {i}. This "
                                     "is not allowed in strict mode when create_graph=True.",
                                     "strict=True with create_graph=True asks the Jacobian to depend on the inputs.")
            rows[k].append(g)
    if not out.numel():
        _no_rows()
    return tuple(stack(r).view(tuple(out.shape) + tuple(x.shape)) for r, x in zip(rows, xs))


def _no_rows():
    raise errors.runtime("stack expects a non-empty TensorList",
                         "PyTorch's jacobian stacks one row per output element, and an empty output has none: "
                         "leave empty outputs out of the function.")


def _independent(i, j):
    return errors.runtime(f"Output {i} of the user-provided function is independent of input {j}. This is not "
                          "allowed in strict mode.",
                          "strict=True refuses an input that no output depends on (without it, its block is zeros).")


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of scalar func at inputs: the Jacobian of its gradient, as PyTorch composes it."""
    is_inputs_tuple, xs = _as_checked_tuple(inputs, "inputs", "hessian")
    _check_strategy(outer_jacobian_strategy, hint=False)

    def single_output(*inp):
        out = func(*inp)
        is_out_tuple, outs = _as_checked_tuple(out, "outputs of the user-provided function", "hessian")
        _check_outputs_require_grad(outs, strict)
        if is_out_tuple or not isinstance(out, Tensor):
            raise errors.runtime("The function given to hessian should return a single Tensor",
                                 "hessian is defined for a function with one scalar output.")
        if out.numel() != 1:
            raise errors.runtime("The Tensor returned by the function given to hessian should contain a single "
                                 "element", "hessian is defined for a function with one scalar output: reduce it "
                                 "(e.g. .sum()) first.")
        return out.squeeze()

    def jac_func(*inp):
        if outer_jacobian_strategy == "forward-mode":
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(single_output, inp, create_graph=True)
        if strict:
            for i, j in enumerate(jac):
                if not j._rg:
                    raise errors.runtime(
                        "While computing the hessian, found that the jacobian of the user-provided function with "
                        f"respect to input {i} is independent of the input. This is not allowed in strict mode. You "
                        "should ensure that your function is twice differentiable and that the jacobian depends on "
                        "the inputs (this would be violated by a linear function for example).",
                        "strict=True asks the gradient to depend on the inputs: a linear function's does not.")
        return jac

    res = jacobian(jac_func, xs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    return _unpack(res, is_inputs_tuple, is_inputs_tuple)


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
