"""torch.func.functional_call and stack_module_state: a module run with other tensors as its parameters."""
import contextlib

from .. import errors
from ..ops.shape import stack


def _owner(module, name):
    """(the submodule holding dotted `name`, its last part)."""
    *path, leaf = name.split(".")
    for part in path:
        module = getattr(module, part)
    return module, leaf


@contextlib.contextmanager
def _swapped(module, tensors, tie_weights, strict):
    """`module` with `tensors` (dotted name -> tensor) in place of its parameters/buffers, restored on exit."""
    known = {}  # name -> id of the tensor it holds, tied names included
    for name, t in list(module.named_parameters(remove_duplicate=False)) + \
            list(module.named_buffers(remove_duplicate=False)):
        known[name] = id(t)
    if strict:
        missing = sorted(set(known) - set(tensors))
        unexpected = sorted(set(tensors) - set(known))
        if missing or unexpected:
            lines = "".join([f"\n\tUnexpected key(s): {', '.join(map(repr, unexpected))}." if unexpected else "",
                             f"\n\tMissing key(s): {', '.join(map(repr, missing))}." if missing else ""])
            raise errors.runtime(f"Error(s) in reparametrizing for {type(module).__name__}:{lines}",
                                 "strict=True asks for exactly one tensor per parameter and buffer name.")
    tensors = dict(tensors)
    if tie_weights:  # a tied name (one Parameter, two names) follows the name that was given
        given = {known[n]: t for n, t in tensors.items() if n in known}
        tensors.update({n: given[i] for n, i in known.items() if i in given and n not in tensors})
    undo = []
    try:
        for name, t in tensors.items():
            owner, leaf = _owner(module, name)
            table = next((tb for tb in (owner._parameters, owner._buffers) if leaf in tb), None)
            if table is None:  # not a parameter or buffer: a plain attribute for the call, as PyTorch sets it
                had = leaf in owner.__dict__
                undo.append((owner.__dict__, leaf, owner.__dict__.get(leaf), had))
                owner.__dict__[leaf] = t
            else:
                undo.append((table, leaf, table[leaf], True))
                table[leaf] = t
        yield
    finally:
        for table, leaf, old, had in reversed(undo):
            if had:
                table[leaf] = old
            else:
                del table[leaf]


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True,
                    strict=False):
    """module(*args, **kwargs) with the given tensors (by name, e.g. 'fc1.weight') standing in for its
    parameters and buffers; the module's own are back in place afterwards, even after an error."""
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        merged = dicts
    else:
        merged = {}
        repeated = sorted({k for i, d in enumerate(dicts) for k in d if any(k in e for e in dicts[:i])})
        if repeated:
            raise errors.value(f"{repeated} appeared in multiple dictionaries; behavior of functional call is "
                               "ambiguous", "Give each parameter or buffer name in one dictionary only.")
        for d in dicts:
            merged.update(d)
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _swapped(module, merged, tie_weights, strict):
        return module(*args, **(kwargs or {}))


def stack_module_state(models):
    """(params, buffers): each name's tensors from every model stacked on a new first dimension, detached
    (params require grad as the models' do), as model ensembling with vmap needs."""
    models = list(models)
    if not models:
        raise errors.runtime("stack_module_state: Expected at least one model, got 0.",
                             "Give a list of models of the same kind.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise errors.runtime("stack_module_state: Expected all models to have the same training/eval mode.",
                             "Call .train() or .eval() on all of them.")
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise errors.runtime("stack_module_state: Expected all models to be of the same class.",
                             "Ensembling maps over models of one architecture.")

    def stacked(named):
        tables = [dict(named(m)) for m in models]
        out = {}
        for k in tables[0]:
            parts = [t[k] for t in tables]
            if len({p.requires_grad for p in parts}) > 1:
                raise errors.runtime(f"Expected {k} from each model to have the same .requires_grad",
                                     "Freeze the same parameters in every model.")
            out[k] = stack([p.detach() for p in parts]).requires_grad_(parts[0].requires_grad)
        return out
    return stacked(lambda m: m.named_parameters()), stacked(lambda m: m.named_buffers())
