"""gradcheck / gradgradcheck: analytical gradients against central finite differences."""
import warnings

from .. import backend as B
from ..tensor import Tensor


class GradcheckError(RuntimeError):
    pass


def _flat_outputs(func, inputs):
    out = func(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(o for o in out if isinstance(o, Tensor))


def _numerical(func, inputs, eps):
    """d(outputs)/d(inputs) by central differences, as a list of arrays (out_numel, in_numel) per pair."""
    diff = [x for x in inputs if isinstance(x, Tensor) and x._rg]
    outs = _flat_outputs(func, inputs)
    jac = {}
    for j, x in enumerate(diff):
        flat = x._data.reshape(-1)  # a view: perturbing it perturbs x
        for k in range(flat.size):
            orig = flat[k].item()
            # Grad mode stays on: gradgradcheck's func itself calls autograd.grad.
            flat[k] = orig + eps
            plus = [B.to_host(o._data).reshape(-1).astype("float64") for o in _flat_outputs(func, inputs)]
            flat[k] = orig - eps
            minus = [B.to_host(o._data).reshape(-1).astype("float64") for o in _flat_outputs(func, inputs)]
            flat[k] = orig
            for i in range(len(outs)):
                col = (plus[i] - minus[i]) / (2 * eps)
                jac.setdefault((i, j), []).append(col)
    return {key: B.ns(cols[0]).stack(cols, axis=1) for key, cols in jac.items()}, diff, outs


def _analytical(outs, diff):
    from . import grad
    jac = {}
    for i, o in enumerate(outs):
        flat = o.reshape(-1)
        for r in range(flat.numel()):
            if not o._rg:
                continue
            gs = grad(flat[r], diff, retain_graph=True, allow_unused=True)
            for j, (g, x) in enumerate(zip(gs, diff)):
                row = B.to_host(g._data).reshape(-1).astype("float64") if g is not None else \
                    B.to_host(x._data).reshape(-1).astype("float64") * 0
                jac.setdefault((i, j), []).append(row)
    return {key: B.ns(rows[0]).stack(rows) for key, rows in jac.items()}


def _forward(func, inputs, diff):
    """The same Jacobians by forward-mode AD: one dual pass per input element (a one-hot tangent)."""
    from . import forward_ad as fwAD
    jac = {}
    for j, x in enumerate(diff):
        for k in range(x.numel()):
            one_hot = B.ns(x._data).zeros(x._data.size, dtype=x._data.dtype)
            one_hot[k] = 1
            with fwAD.dual_level():
                dual = fwAD.make_dual(x, Tensor._make(one_hot.reshape(x._data.shape)))
                outs = _flat_outputs(func, [dual if a is x else a for a in inputs])
                for i, o in enumerate(outs):
                    t = fwAD.unpack_dual(o).tangent
                    col = (B.to_host(t._data) if t is not None else B.to_host(o._data) * 0).reshape(-1)
                    jac.setdefault((i, j), []).append(col.astype("float64"))
    return {key: B.ns(cols[0]).stack(cols, axis=1) for key, cols in jac.items()}


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, check_backward_ad=True,
              check_forward_ad=False, **kwargs):
    """True if func's backward (and, with check_forward_ad, its forward-mode derivative) matches finite
    differences for every (output, input) pair."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for x in inputs:
        if isinstance(x, Tensor) and x._rg and x._data.dtype != B.float64:
            warnings.warn("Input #0 requires gradient and is not a double precision floating point. This check "
                          "will likely fail if all the inputs are not of double precision floating point. ")
    numerical, diff, outs = _numerical(func, inputs, eps)
    computed = ([_analytical(outs, diff)] if check_backward_ad else []) + \
        ([_forward(func, inputs, diff)] if check_forward_ad else [])
    for analytical in computed:
        for key, num in numerical.items():
            ana = analytical.get(key, num * 0)
            xp = B.ns(num)
            if not xp.allclose(ana, num, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(f"Jacobian mismatch for output {key[0]} with respect to input {key[1]},\n"
                                     f"numerical:{num}\nanalytical:{ana}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **kwargs):
    """gradcheck of the function x -> v^T·J(x) (its backward), with a fixed random v per output."""
    from . import grad
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outs = _flat_outputs(func, inputs)
    rng = B.random_state(0)
    if grad_outputs is None:
        grad_outputs = tuple(Tensor._make(B.asarray(rng.standard_normal(o.shape), dtype=o._data.dtype,
                                                    device=B.device_of(o._data))) for o in outs)
    diff = [x for x in inputs if isinstance(x, Tensor) and x._rg]

    def first_derivative(*xs):
        o = _flat_outputs(func, xs)
        d = [x for x in xs if isinstance(x, Tensor) and x._rg]
        gs = grad(o, d, grad_outputs, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    del diff
    return gradcheck(first_derivative, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
