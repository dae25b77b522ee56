"""torch.autograd.forward_ad: dual tensors, whose tangents ride along the forward pass (Jacobian·tangent).

Inside a `dual_level()`, `make_dual(x, v)` gives x with tangent v; every op whose inputs carry tangents
gives its outputs tangents too, and `unpack_dual(y)` reads them. Leaving the level deletes them.

PyTorch has a forward derivative formula per op. Here each op's tangent comes from its backward formula,
by the double-vjp identity J·v = d/du (v · Jᵀu): the op is run again on detached leaves, its vjp taken
with create_graph, and that (linear in u) differentiated with respect to u. Every op that has a backward
thus has a forward derivative, written once. A tangent is differentiable where it mathematically depends
on something that requires grad (PyTorch's follow its formulas instead), and a view's tangent is a new
tensor, not a view of the base's (split/unbind/chunk pieces excepted).
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, NamedTuple

from .. import backend as B
from .. import errors
from .. import node as _node
from ..grad_mode import GradMode, enable_grad, no_grad
from ..random import Generator, default_generator
from ..tensor import Tensor

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual", "dual_level"]

_current_level = -1
_duals: list = []  # weak references to every tensor given a tangent at the current level


class UnpackedDualTensor(NamedTuple):
    """What `unpack_dual` returns: the primal (a view without the tangent) and the tangent (or None)."""
    primal: Tensor
    tangent: Tensor | None


def enter_dual_level() -> int:
    """Enter the forward-AD level (there is one: 0) that make_dual and unpack_dual use."""
    global _current_level
    if _current_level >= 0:
        raise errors.runtime("Nested forward mode AD is not supported at the moment",
                             "Leave the dual_level() you are in first; for higher-order forward derivatives "
                             "use torch.func.jvp.")
    _current_level = 0
    _node._FORWARD_AD = _dual_apply
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """Leave the level: every tangent made in it is deleted."""
    global _current_level
    if level is None:
        level = _current_level
    if level != _current_level:
        raise errors.runtime("Trying to exit a forward AD level that was not the last one that was created. This is "
                             "not supported.", "Exit the level you entered last (or just use `with dual_level():`).")
    if level < 0:
        raise errors.runtime("Dual level must be a positive number.",
                             "No forward AD level is open: exit_dual_level() comes after enter_dual_level().")
    for ref in _duals:
        t = ref()
        if t is not None:
            t._fw_grad = None
    _duals.clear()
    _node._FORWARD_AD = None
    _current_level = -1


class dual_level:
    """Context manager (or decorator) for forward AD: `with dual_level(): ...`; tangents die with it."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: Any) -> None:
        exit_dual_level()

    def __call__(self, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            with dual_level():
                return fn(*args, **kwargs)
        wrapper.__wrapped__ = fn
        return wrapper


def set_tangent(t: Tensor, tangent: Tensor) -> None:
    """Give `t` a tangent at the open level (deleted when the level is left)."""
    t._fw_grad = tangent
    _duals.append(weakref.ref(t))


def written_in_place(t: Tensor, tangent: Tensor) -> None:
    """`t` was written in place and its tangent is now `tangent`; if `t` is a view, its region of the root's
    tangent (zeros if the root had none) is written too, so the root and later views of it see the change."""
    set_tangent(t, tangent)
    root = t._base
    if root is None:
        return
    from ..ops.view_inplace import Region
    xp = B.ns(root._data)
    whole = xp.zeros(root._data.shape, dtype=tangent._data.dtype) if root._fw_grad is None \
        else xp.ascontiguousarray(root._fw_grad._data).copy()
    Region(t._chain, root._data.shape).write(whole, tangent._data)
    set_tangent(root, Tensor._make(whole))


def setitem_tangent(t: Tensor, index, value) -> None:
    """t[index] = value, for tangents: t's tangent (zeros if none) gets value's (zeros if none) at index."""
    from ..creation import zeros_like

    def write():
        with no_grad():
            tangent = zeros_like(t) if t._fw_grad is None else t._fw_grad.clone()
            v = _tangent_of(value)
            tangent[index] = 0.0 if v is None else v
        return tangent
    written_in_place(t, _without_forward_ad(write))


def _tangent_of(x) -> Tensor | None:
    return x._fw_grad if isinstance(x, Tensor) else None


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A view of `tensor` carrying `tangent` (itself if it has tensor's layout, else a copy in that layout)."""
    if level is None:
        level = _current_level
    if level < 0:
        raise errors.runtime("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                             "enter_dual_level() first.", "Make dual tensors inside `with fwAD.dual_level():`.")
    for what, t in (("primal", tensor), ("tangent", tangent)):
        if not (t.is_floating_point() or t.is_complex()):
            raise errors.value(f"Expected {what} to be floating point or complex, but got: {t.dtype}",
                               f"Forward AD differentiates floats: give a float {what} (`.float()`).")
    if tensor._fw_grad is not None:
        raise errors.runtime(f"Making a dual Tensor based on a Tensor that already has a forward gradient at the "
                             f"same level {level} is not supported.",
                             "This tensor already carries a tangent: unpack_dual(t).primal is its value without one.")
    if tangent.shape != tensor.shape:
        raise errors.runtime("Trying to set a forward gradient that has a different size than that of the original "
                             f"Tensor, this is not supported. Tensor is of size {list(tensor.shape)} while the given "
                             f"forward gradient is of size {list(tangent.shape)}.",
                             "The tangent is a direction in the primal's space: give it the primal's shape.")
    if tangent.stride() != tensor.stride() or tangent.device != tensor.device:
        from ..creation_more import empty_strided
        copy = empty_strided(tensor.shape, tensor.stride(), dtype=tangent.dtype, device=tensor.device)
        with no_grad():
            copy.copy_(tangent)
        tangent = copy
    dual = _without_forward_ad(tensor.view_as, tensor)
    set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """(primal, tangent): a view of `tensor` without its tangent, and the tangent as is (None if it has none)."""
    if level is None:
        level = _current_level
    if level < 0:
        return UnpackedDualTensor(tensor, None)
    from ..ops.shape import Identity, _view
    primal = _without_forward_ad(_view, Identity, tensor)
    return UnpackedDualTensor(primal, tensor._fw_grad)


def _without_forward_ad(fn: Callable, *args, **kwargs):
    saved, _node._FORWARD_AD = _node._FORWARD_AD, None
    try:
        return fn(*args, **kwargs)
    finally:
        _node._FORWARD_AD = saved


# --- tangents through ops --------------------------------------------------------------------------
def _dual_apply(apply: Callable, cls: type, inputs: tuple, params: dict):
    """Op `cls` on `inputs` (through its recorder `apply`), with tangents for its outputs if inputs have them."""
    tangents = [_tangent_of(x) for x in inputs]
    if all(t is None for t in tangents):
        return _without_forward_ad(apply, *inputs, **params)
    generators = [default_generator] + [v for v in params.values() if isinstance(v, Generator)]
    before = [g.get_state() for g in generators]  # a random op (dropout) must draw the same numbers twice
    out = _without_forward_ad(apply, *inputs, **params)
    after = [g.get_state() for g in generators]
    for g, s in zip(generators, before):
        g.set_state(s)
    try:
        jvps = _without_forward_ad(_jvp, apply, cls, inputs, params, tangents)
    finally:
        for g, s in zip(generators, after):
            g.set_state(s)
    for o, j in zip(out if isinstance(out, tuple) else (out,), jvps):
        if j is not None and isinstance(o, Tensor):
            set_tangent(o, j)
    return out


def function_apply(cls: type, args: tuple, kwargs: dict):
    """A custom autograd.Function on dual inputs: forward on the primals, then its `jvp(ctx, *tangents)`
    (zeros for a tensor without one, None for other arguments) gives the outputs' tangents."""
    from ..creation import zeros_like
    out, ctx = _without_forward_ad(cls._apply, args, kwargs)
    tangents = [(a._fw_grad if a._fw_grad is not None else zeros_like(a)) if isinstance(a, Tensor) else None
                for a in args]
    jvps = _without_forward_ad(cls.jvp, ctx, *tangents)
    outs, jvps = (out, jvps) if isinstance(out, tuple) else ((out,), (jvps,))
    for o, j in zip(outs, jvps if isinstance(jvps, tuple) else (jvps,)):
        if isinstance(o, Tensor) and isinstance(j, Tensor) and o.is_floating_point():
            set_tangent(o, j)
    return out


def _jvp(apply: Callable, cls: type, inputs: tuple, params: dict, tangents: list) -> list:
    """Jacobian·tangents of op `cls` at `inputs`, one per output (None where an output has none). Where grad
    mode is on and a primal or a tangent requires grad, the tangent is differentiable (through this
    engine's graph of the double vjp: it depends on what it mathematically depends on)."""
    from . import grad
    from ..creation import ones_like, zeros_like
    differentiable = GradMode.enabled and any(
        isinstance(x, Tensor) and x._rg or t is not None and t._rg for x, t in zip(inputs, tangents))
    wrt, args = [], []
    for x, t in zip(inputs, tangents):
        if t is not None and not (differentiable and x._rg):
            x = Tensor._make(x._data).requires_grad_()  # a leaf to differentiate by
        elif isinstance(x, Tensor) and not x._rg:
            x = Tensor._make(x._data.copy())  # a copy: an op that updates an input (batch norm's running
            # statistics) must not update it twice
        elif isinstance(x, Tensor) and not differentiable:
            x = x.detach()
        if t is not None and not any(x is w for w, _ in wrt):  # (x * x: one input, its whole gradient)
            wrt.append((x, t))
        args.append(x)
    params = {k: v.copy() if B.is_array(v) else v for k, v in params.items()}  # (running statistics, likewise)
    with enable_grad():
        out = apply(*args, **params)
        outs = out if isinstance(out, tuple) else (out,)
        moving = [o for o in outs if isinstance(o, Tensor) and o.requires_grad]
        if not moving:
            return [None] * len(outs)
        us = [ones_like(o).requires_grad_() for o in moving]  # (any point: Jᵀu is linear in u; at 0 some
        # formulas divide by u's magnitude, as logcumsumexp's)
        try:
            vjps = grad(moving, [x for x, _ in wrt], us, create_graph=True, allow_unused=True)
            terms = [(g * t).sum() for g, (_, t) in zip(vjps, wrt) if g is not None and g.requires_grad]
            jvps = grad(sum(terms), us, create_graph=differentiable, allow_unused=True) if terms \
                else [None] * len(us)
        except (NotImplementedError, RuntimeError) as e:
            raise NotImplementedError(f"Trying to use forward AD with {cls.__name__} that does not support it "
                                      f"because its backward is not differentiable here: {e}") from None
    by_output = {id(o): (zeros_like(o) if j is None else j if differentiable else j.detach())
                 for o, j in zip(moving, jvps)}
    return [by_output.get(id(o)) for o in outs]
