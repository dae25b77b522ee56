"""torch.func.vmap (and torch.vmap) by its plain meaning: func runs once per example and the results
are stacked. PyTorch instead batches each operator (no Python loop); values agree, speed does not, and an
op that mixes examples (e.g. .item()) works here where PyTorch refuses it."""
import functools

from .. import autograd, errors
from ..ops.shape import stack
from ..random import get_rng_state, set_rng_state
from ..tensor import Tensor
from . import pytree


def _name(func):
    return getattr(func, "__name__", repr(func))


def _in_dims_per_leaf(func, in_dims, args):
    """One in_dim per leaf of args, checked as PyTorch checks them."""
    head = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): "
    if not isinstance(in_dims, (int, tuple)) and in_dims is not None:
        raise errors.value(head + "expected `in_dims` to be int or a (potentially nested) tuple matching the "
                           f"structure of inputs, got: {type(in_dims)}.", "in_dims: an int, or a tuple with one "
                           "entry per argument (None for an argument that is not batched).")
    if not args:
        raise errors.value(f"vmap({_name(func)})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you "
                           "are trying to vmap over a function with no inputs. The latter is unsupported.",
                           "vmap maps over its inputs: give it at least one tensor.")
    leaves, spec = pytree.flatten(args)
    dims = pytree.broadcast(in_dims, spec)
    if dims is None:
        raise errors.value(head + "in_dims is not compatible with the structure of `inputs`. in_dims has structure "
                           f"{pytree.spec_repr(pytree.flatten(in_dims)[1])} but inputs has structure "
                           f"{pytree.spec_repr(spec)}.", "Give in_dims one entry per argument of the function.")
    for dim, x in zip(dims, leaves):
        if dim is None:
            continue
        if not isinstance(dim, int):
            raise errors.value(head + f"Got in_dim={dim} for an input but in_dim must be either an integer "
                               "dimension or None.", "Each in_dim is a dimension index or None.")
        if not isinstance(x, Tensor):
            raise errors.value(head + f"Got in_dim={dim} for an input but the input is of type {type(x)}. We "
                               "cannot vmap over non-Tensor arguments, please use None as the respective in_dim",
                               "Only tensors have a dimension to map over: give None for this argument.")
        if not -x.dim() <= dim < x.dim():
            raise errors.value(head + f"Got in_dim={dim} for some input, but that input is a Tensor of "
                               f"dimensionality {x.dim()} so expected in_dim to satisfy "
                               f"-{x.dim()} <= in_dim < {x.dim()}.", "in_dim must be one of the input's dimensions.")
    return leaves, spec, [None if d is None else d % x.dim() for d, x in zip(dims, leaves)]


def _batch_size(leaves, dims):
    sizes = [x.shape[d] for x, d in zip(leaves, dims) if d is not None]
    if not sizes:
        raise errors.value("vmap: Expected at least one Tensor to vmap over",
                           "Give at least one tensor argument an in_dim that is not None.")
    if any(s != sizes[0] for s in sizes):
        raise errors.value("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                           f"{sizes} for the mapped dimension",
                           "Every mapped input needs the same number of examples along its in_dim.")
    return sizes[0]


def _stack_outputs(func, outputs, out_dims):
    """The per-example outputs stacked along out_dims (an int, or one per output leaf)."""
    spec = pytree.flatten(outputs[0])[1]
    dims = pytree.broadcast(out_dims, spec)
    if dims is None:
        raise errors.value(f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
                           f"with the structure of `outputs`. out_dims has structure "
                           f"{pytree.spec_repr(pytree.flatten(out_dims)[1])} but outputs has structure "
                           f"{pytree.spec_repr(spec)}.", "Give out_dims one entry per output of the function.")
    columns = list(zip(*(pytree.flatten(o)[0] for o in outputs)))
    stacked = []
    for dim, column in zip(dims, columns):
        if dim is None:  # PyTorch knows whether the output is batched; here: whether examples gave different ones
            if isinstance(column[0], Tensor) and not all(c is column[0] or c.equal(column[0]) for c in column):
                raise errors.value(f"vmap({_name(func)}, ...): `{_name(func)}` can not return a BatchedTensor when "
                                   "out_dim is None", "An output that differs per example needs an out_dim.")
            stacked.append(column[0])
            continue
        if not isinstance(column[0], Tensor):
            raise errors.value(f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got type "
                               f"{type(column[0])}. Did you mean to set out_dims= to None for output?",
                               "vmap stacks tensors: return tensors, or mark this output out_dims=None.")
        stacked.append(stack(column, dim))
    return pytree.unflatten(stacked, spec)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """A function mapping func over a batch dimension of its inputs (in_dims) and stacking the results
    along out_dims. randomness: 'error' raises PyTorch's error when func draws random numbers, 'same' gives
    every example the same draws, 'different' its own. chunk_size is accepted (the loop runs one at a time)."""
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise errors.value(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})",
                           "chunk_size is how many examples run at once (here one at a time anyway).")
    if randomness not in ("error", "different", "same"):
        raise errors.runtime(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got "
                             f"{randomness}", "Pick one of 'error', 'different', 'same'.")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        leaves, spec, dims = _in_dims_per_leaf(func, in_dims, args)
        size = _batch_size(leaves, dims)
        start = get_rng_state()
        outputs = []
        autograd.vmap_loops_running += 1  # autograd.grad inside func keeps its graph for the next example
        try:
            for b in range(size):
                if randomness == "same":
                    set_rng_state(start)
                example = [x if d is None else x.select(d, b) for x, d in zip(leaves, dims)]
                outputs.append(func(*pytree.unflatten(example, spec), **kwargs))
                if randomness == "error" and b == 0 and not get_rng_state().equal(start):
                    raise errors.runtime(
                        "vmap: called random operation while in randomness error mode. Please either use the "
                        "'same' or 'different' randomness flags on vmap or perform the randomness operation out of "
                        "vmap", "Say whether the examples share their random draws: randomness='same' or "
                        "'different'.")
        finally:
            autograd.vmap_loops_running -= 1
        return _stack_outputs(func, outputs, out_dims)
    return wrapper
