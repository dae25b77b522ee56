"""torch.func's differentiating transforms on this package's reverse-mode engine (autograd.grad).

Each transform differentiates with respect to fresh aliases of its inputs: `x.view_as(x)` when x already
requires grad (so an outer transform or an outer graph still sees through it), else
`x.detach().requires_grad_()`. A transform running inside another one, on inputs that require grad, or on
a function whose graph reaches other tensors that require grad (a closure's parameters) keeps the graph of
what it returns (create_graph=True), so grad(grad(f)) and a backward through a gradient work; otherwise its
results are detached, as PyTorch's are. No `.grad` attribute is touched.
Not PyTorch's way: jvp and jacfwd are computed in reverse mode (this engine has no forward mode).
"""
import functools

from .. import errors
from ..autograd import grad as _autograd_grad
from ..autograd.functional import _batched_jacobian
from ..creation import zeros_like
from ..grad_mode import enable_grad, is_grad_enabled
from ..tensor import Tensor
from . import pytree

_depth = 0  # differentiating transforms running now: a nested one keeps its graph for the outer one


class _Level:
    """One transform's run: counts itself in `_depth` and says whether its results keep their graph."""

    def __init__(self, inputs):
        self.outer_grad = is_grad_enabled()  # under no_grad nothing outside needs the graph
        self.keep_graph = self.outer_grad and (_depth > 0 or any(isinstance(x, Tensor) and x._rg for x in inputs))

    def __enter__(self):
        global _depth
        _depth += 1
        self._grad = enable_grad()
        self._grad.__enter__()
        self.originals = {}
        return self

    def __exit__(self, *exc):
        global _depth
        _depth -= 1
        self._grad.__exit__(*exc)
        return False

    def see(self, outputs, inputs):
        """Keep the graph also when `outputs` depend on other tensors that require grad than `inputs`."""
        self.keep_graph = self.keep_graph or (self.outer_grad and _reaches_other_leaves(outputs, inputs))

    def alias(self, x):
        """x's stand-in to differentiate with respect to; `out` gives x back where the function returns it."""
        a = _alias(x)
        self.originals[id(a)] = x
        return a

    def out(self, tree):
        """`tree` as returned to the caller: detached unless an outer transform or graph needs it."""
        leaves, spec = pytree.flatten(tree)
        leaves = [self.originals.get(id(x), x) for x in leaves]
        if not self.keep_graph:
            leaves = [x.detach() if isinstance(x, Tensor) else x for x in leaves]
        return pytree.unflatten(leaves, spec)


def _reaches_other_leaves(outputs, own) -> bool:
    """Whether the graph of `outputs` reaches a leaf that requires grad other than `own` (e.g. a parameter
    the function closes over): then, as in PyTorch, what the transform returns keeps its graph to it."""
    own = {id(x) for x in own}
    seen, todo = set(), [o.grad_fn for o in outputs if isinstance(o, Tensor) and o.grad_fn is not None]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        leaf = getattr(node, "variable", None)  # an AccumulateGrad's tensor
        if leaf is not None:
            if id(leaf) not in own:
                return True
            continue
        todo.extend(n for n, _ in node.next_functions if n is not None)
    return False


def _alias(x):
    if not isinstance(x, Tensor):
        raise errors.value(f"Thing passed to transform API must be Tensor, got {type(x)}",
                           "torch.func differentiates with respect to tensors (or tuples/dicts of them).")
    if not x.is_floating_point():
        raise errors.runtime("only Tensors of floating point dtype can require gradients",
                             "Differentiate with respect to a float tensor: make it with a float dtype.")
    return x.view_as(x) if x._rg else x.detach().requires_grad_()


def _argnums(argnums, num_args):
    """argnums checked as PyTorch does, negative ones wrapped: an int or a tuple of ints."""
    def one(a):
        if not isinstance(a, int):
            raise errors.runtime(f"argnum must be int, got: {type(a)}", "argnums names positional arguments.")
        if -num_args <= a < num_args:
            return a % num_args
        raise errors.runtime(f"Got argnum={a}, but only {num_args} positional inputs",
                             "argnums counts the function's positional arguments from 0.")
    if isinstance(argnums, int):
        return one(argnums)
    if not isinstance(argnums, tuple):
        raise errors.runtime(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}",
                             "Pass one argument index, or a tuple of them.")
    if not argnums:
        raise errors.runtime("argnums must be non-empty", "Name at least one argument to differentiate.")
    if len(set(argnums)) != len(argnums):
        raise errors.runtime(f"argnums elements must be unique, got {argnums}", "Name each argument once.")
    return tuple(one(a) for a in argnums)


def _aliased_args(level, args, argnums):
    """(args with aliases in the argnums places, the aliases in order, the spec that shapes them as argnums
    does: a tuple of arguments for a tuple argnums, else the one argument)."""
    args = list(args)
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    for n in nums:
        leaves, spec = pytree.flatten(args[n])
        args[n] = pytree.unflatten([level.alias(x) for x in leaves], spec)
    diff = tuple(args[n] for n in nums) if isinstance(argnums, tuple) else args[argnums]
    return (args, *pytree.flatten(diff))


def _grads(outputs, inputs, grad_outputs, create_graph):
    """d outputs / d inputs weighted by grad_outputs, zeros where an input is unused."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o._rg]
    if not pairs:
        return [zeros_like(x) for x in inputs]
    gs = _autograd_grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                        create_graph=create_graph, allow_unused=True)
    return [g if g is not None else zeros_like(x) for g, x in zip(gs, inputs)]


def _split_aux(output, has_aux, api):
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise errors.runtime(f"{api}: output of function f should be a tuple: (output, aux) if has_aux is True",
                             "With has_aux=True the function returns (what to differentiate, anything else).")
    return output


def grad_and_value(func, argnums=0, has_aux=False):
    """A function returning (gradient of func's one-element output with respect to args[argnums], output)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args))
        with _Level(pytree.flatten(args)[0]) as level:
            inner, flat, spec = _aliased_args(level, args, nums)
            output, aux = _split_aux(func(*inner, **kwargs), has_aux, "grad_and_value(f)(*args)")
            level.see([output], flat)
            if not isinstance(output, Tensor):
                raise errors.runtime(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                     f"{type(output)}", "grad differentiates a function with a tensor result.")
            if output.dim() != 0:
                raise errors.runtime(
                    f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with "
                    f"{output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?",
                    "grad needs a 0-d result (e.g. .sum() or .mean() of it); for a vector result use vjp or "
                    "jacrev.")
            grads = pytree.unflatten(_grads([output], flat, [None], level.keep_graph), spec)
        value = (output, aux) if has_aux else output
        return level.out(grads), level.out(value)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function returning the gradient of func's scalar output with respect to args[argnums]
    (and func's aux with has_aux=True), as torch.func.grad."""
    both = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = both(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return wrapper


def _float_outputs(output, api, floats=True):
    leaves, spec = pytree.flatten(output)
    for x in leaves:
        if not isinstance(x, Tensor):
            raise errors.runtime(f"{api}: expected f(*primals) to return only tensors, got unsupported type "
                                 f"{type(x)}", "Return tensors (or tuples/dicts of them) from the function.")
        if floats and not x.is_floating_point():
            raise errors.runtime(f"vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got "
                                 f"Tensor with dtype {x.dtype}", "Only float results have derivatives.")
    return leaves, spec


def vjp(func, *primals, has_aux=False):
    """(func(*primals), vjp_fn): vjp_fn(cotangents) gives the vector-Jacobian products, one per primal."""
    with _Level(pytree.flatten(primals)[0]) as level:
        inner, flat, spec = _aliased_args(level, primals, tuple(range(len(primals))))
        output, aux = _split_aux(func(*inner), has_aux, "vjp(f, *primals)")
        outs, out_spec = _float_outputs(output, "vjp(f, *primals)")
        level.see(outs, flat)

    def vjp_fn(cotangents):
        cots, cot_spec = pytree.flatten(cotangents)
        if cot_spec != out_spec:
            raise errors.runtime(
                "Expected pytree structure of cotangents to be the same as pytree structure of outputs to the "
                f"function. cotangents: {pytree.spec_pprint(cot_spec)}, primal output: {pytree.spec_pprint(out_spec)}",
                "Give one cotangent per output of the function, in the same containers.")
        with _Level(cots) as inner_level:
            inner_level.keep_graph = inner_level.keep_graph or level.keep_graph
            grads = _grads(outs, flat, cots, inner_level.keep_graph)
        return inner_level.out(pytree.unflatten(grads, spec))

    result = (level.out(output), vjp_fn)
    return result + (level.out(aux),) if has_aux else result


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """(func(*primals), J·tangents), by the double-vjp trick: J·v = d/du (v · Jᵀu), all in reverse mode
    (PyTorch uses forward-mode AD; the values agree to rounding)."""
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise errors.runtime(f"jvp(f, primals, tangents): Expected {name} to be a tuple. E.g. it should be "
                                 "valid to call f(*primals).", "Pass primals and tangents as tuples: (x,), (v,).")
    p_leaves, p_spec = pytree.flatten(primals)
    t_leaves, t_spec = pytree.flatten(tangents)
    if p_spec != t_spec:
        raise errors.runtime(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure "
            f"{pytree.spec_repr(p_spec)} and tangents with structure {pytree.spec_repr(t_spec)}",
            "Give one tangent per primal, in the same containers.")
    with _Level(p_leaves + t_leaves) as level:
        inner, flat, _ = _aliased_args(level, primals, tuple(range(len(primals))))
        output, aux = _split_aux(func(*inner), has_aux, "jvp(f, primals, tangents)")
        outs, out_spec = _float_outputs(output, "jvp(f, primals, tangents)", floats=False)
        level.see(outs, flat)
        us = [zeros_like(o).requires_grad_() for o in outs]
        vjps = _grads(outs, flat, us, True)  # Jᵀu, linear in u
        pairs = [(g, t) for g, t in zip(vjps, t_leaves) if g._rg]
        jv = _grads([g for g, _ in pairs], us, [t for _, t in pairs], level.keep_graph) if pairs \
            else [zeros_like(o) for o in outs]
    result = (level.out(output), level.out(pytree.unflatten(jv, out_spec)))
    return result + (level.out(aux),) if has_aux else result


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """A function returning the Jacobian of func with respect to args[argnums]: one block of shape
    output.shape + input.shape per (output, input), every row from one batched backward pass."""
    if chunk_size is not None and chunk_size <= 0:
        raise errors.value("jacrev: `chunk_size` should be greater than 0.", "chunk_size counts rows per pass.")

    @functools.wraps(func)
    def wrapper(*args):
        nums = _argnums(argnums, len(args))
        with _Level(pytree.flatten(args)[0]) as level:
            inner, flat, spec = _aliased_args(level, args, nums)
            output, aux = _split_aux(func(*inner), has_aux, "jacrev(f, ...)(*args)")
            outs, out_spec = _float_outputs(output, "jacrev(f, ...)(*args)")
            level.see(outs, flat)
            blocks = _batched_jacobian(tuple(o.contiguous() for o in outs), tuple(flat), level.keep_graph)
        jac = pytree.unflatten([pytree.unflatten(row, spec) for row in blocks], out_spec)
        return (level.out(jac), level.out(aux)) if has_aux else level.out(jac)
    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The same Jacobian as jacrev: PyTorch computes it column by column in forward mode; this engine has
    no forward mode, so it is jacrev's reverse-mode computation (same values, to rounding)."""
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func, argnums=0):
    """The Hessian of func's scalar output with respect to args[argnums]: jacfwd(jacrev(func))."""
    return jacfwd(jacrev(func, argnums), argnums)


def linearize(func, *primals):
    """(func(*primals), jvp_fn): jvp_fn(*tangents) is jvp(func, primals, tangents)'s second value."""
    output = jvp(func, primals, tuple(zeros_like(p) for p in primals))[0]
    return output, lambda *tangents: jvp(func, primals, tangents)[1]
