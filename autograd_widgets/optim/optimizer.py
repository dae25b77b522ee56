"""torch.optim.Optimizer: parameter groups, per-parameter state, zero_grad, state_dict, as PyTorch 2.13 keeps them."""
import functools
import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain
from typing import Any, Callable, Iterable, Optional

from .. import dtypes
from ..creation import tensor
from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor


class _RequiredParameter:
    """Singleton class representing a required parameter for an Optimizer."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj) -> str:
    """torch.typename: 'torch.FloatTensor' for a tensor, else the object's module-qualified name."""
    if isinstance(obj, Tensor):
        return ("torch.cuda." if obj.is_cuda else "torch.") + obj.dtype._legacy
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if qualname is None:
        module, qualname = obj.__class__.__module__ or "", obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _use_grad_for_differentiable(step):
    """Run `step` without recording a graph (PyTorch turns grad mode to the group's `differentiable`)."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        with no_grad():
            return step(self, *args, **kwargs)
    return wrapper


def _closure_loss(closure: Optional[Callable]):
    """The loss the closure returns, computed with grad mode on (the closure usually calls backward)."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def _scalar_dtype():
    return dtypes.float64 if dtypes.default_float() is dtypes.float64 else dtypes.float32


def _step_tensor(value: float = 0.0) -> Tensor:
    """state['step']: a 0-d CPU tensor of the default float kind, as PyTorch keeps it (not capturable)."""
    return tensor(float(value), dtype=_scalar_dtype())


def _to_scalar(x):
    """A learning rate or beta given as a one-element tensor, as a Python number."""
    return x.item() if isinstance(x, Tensor) else x


def _check(ok: bool, message: str) -> None:
    """Raise PyTorch's ValueError for an invalid optimizer option."""
    if not ok:
        raise ValueError(message)


def _check_lr(lr) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check(0.0 <= lr, f"Invalid learning rate: {lr}")


def _step_groups(optimizer: "Optimizer", closure: Optional[Callable], update: Callable) -> Any:
    """The body every step() shares: the closure's loss, then `update(group, params)` for each group, given
    the group's parameters that have a gradient (the others are skipped, their state untouched)."""
    loss = _closure_loss(closure)
    for group in optimizer.param_groups:
        update(group, [p for p in group["params"] if p.grad is not None])
    return loss


def _lazy_states(optimizer: "Optimizer", group: dict, params: list, init: Callable) -> list:
    """Each parameter's state dict, filled by `init(group, state, p)` at the parameter's first step."""
    states = []
    for p in params:
        state = optimizer.state[p]
        if len(state) == 0:
            init(group, state, p)
        states.append(state)
    return states


def _grad(param: Tensor, maximize: bool):
    """The gradient array a step follows: negated to climb when `maximize`."""
    return -param.grad._data if maximize else param.grad._data


def _count_step(step_t: Tensor) -> float:
    """`step_t += 1` on the state's step tensor; the new count as a Python number (PyTorch's _get_value)."""
    step_t._data += 1
    step_t._bump()
    return step_t.item()


def _not_supported_flags(defaults: dict):
    if defaults.get("differentiable"):
        raise NotImplementedError("autograd_widgets: differentiable=True (backpropagating through the optimizer "
                                  "step) is not supported; optimizer steps run without recording a graph.")


class Optimizer:
    """Base class for all optimizers: holds `param_groups` (dicts of parameters and options) and `state`.

    Subclasses define `step(closure=None)`, updating each parameter in place from its `.grad`.
    """

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        _not_supported_flags(defaults)
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.defaults.setdefault("differentiable", False)

    def _set_group_defaults(self, **defaults):
        """Options missing from loaded groups (saved by older versions) take these values."""
        for group in self.param_groups:
            for key, value in defaults.items():
                group.setdefault(key, value)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group.keys()) if key != "params")
        return text + ")"

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a dict of parameters (and options overriding `defaults`) to `param_groups`."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]  # named_parameters() gives (name, tensor)
        param_group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(set(group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not param_set.isdisjoint(set(param_group["params"])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (`.grad = None`), or zero it in place with set_to_none=False.

        backward() adds into `.grad`, so without this the gradients of successive steps add up."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if p.grad.grad_fn is not None:
                    p.grad.detach_()
                else:
                    p.grad.requires_grad_(False)
                p.grad.zero_()

    def step(self, closure: Optional[Callable] = None):
        """Perform a single optimization step to update parameter."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """{'state': {index: state}, 'param_groups': [options with 'params' as index lists]}, as PyTorch packs it."""
        mapping: dict[int, int] = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            mapping.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in mapping})
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack(g) for g in self.param_groups]
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take options and state from `state_dict` (from `state_dict()`), matching parameters by position."""
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast(id_map[k], v)
            else:
                state[k] = v
        for group, new in zip(groups, saved_groups):
            new["params"] = group["params"]
            if "param_names" in group and "param_names" not in new:
                new["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})


def _cast(param: Tensor, value, key=None):
    """A loaded state value moved to `param`'s device (and float dtype); 'step' stays as saved."""
    if isinstance(value, Tensor):
        if key == "step":
            return value
        return value.to(dtype=param.dtype, device=param.device) if param.is_floating_point() else \
            value.to(device=param.device)
    if isinstance(value, dict):
        return {k: _cast(param, v, key=k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


class _UpdateByGroup(Optimizer):
    """An optimizer whose step runs `self._update(group, params_with_grad)` on each param group."""

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; returns the closure's loss (None without a closure)."""
        return _step_groups(self, closure, self._update)
