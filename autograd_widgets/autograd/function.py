"""torch.autograd.Function: user-defined ops with their own forward and backward.

Both of PyTorch's forms work: `forward(ctx, *args)`, or `forward(*args)` plus
`setup_context(ctx, inputs, output)` (the form PyTorch's docs recommend).
"""
import functools
import inspect

from .. import backend as B
from .. import errors
from .. import node as node_module
from ..grad_mode import GradMode, no_grad
from ..node import Node, _sequence, add_saved_attributes, edge_to
from ..tensor import Tensor


class FunctionCtx:
    """What forward/setup_context may call on ctx; the node of a custom Function is one."""
    materialize_grads = True
    _dirty = ()
    _non_diff = frozenset()

    def mark_dirty(self, *tensors):
        """These inputs were changed in place by forward (and are returned as outputs)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """These outputs get no gradient (requires_grad=False)."""
        self._non_diff = frozenset(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        """False: backward receives None, not zeros, for outputs that got no gradient."""
        self.materialize_grads = value

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors


class _Ctx(FunctionCtx):
    """ctx for a forward that needs no graph."""
    needs_input_grad = ()

    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors


class BackwardCFunction(Node, FunctionCtx):
    """The node of a custom Function; it is also the `ctx` its forward and backward receive."""
    _cpp_class = False  # a Python class in PyTorch too: printed with its module
    _function = None

    def __repr__(self):
        return object.__repr__(self)  # as PyTorch: <torch.autograd.function.MyFnBackward object at 0x...>

    @property
    def needs_input_grad(self):
        return self.__dict__.get("needs_input_grad_", ())

    def backward(self, *grads):
        fn = self._function
        if self.materialize_grads:
            grads = tuple(g if g is not None else _zeros(meta, self._xp) for g, meta in zip(grads, self._meta))
        result = fn.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        n_args = len(self._tensor_positions_all)
        if len(result) < n_args:
            raise errors.runtime(f"function {type(self).__name__} returned an incorrect number of gradients "
                                 f"(expected {n_args}, got {len(result)})",
                                 "backward() must return one gradient per argument of forward() (None for "
                                 "arguments that are not tensors or need no gradient).")
        return tuple(result[i] for i in self._tensor_positions)

    def apply(self, *grads):  # PyTorch's ctx.apply / node.apply runs the backward
        return self.backward(*grads)


def _zeros(meta, xp):
    shape, dt = meta
    return Tensor._make(xp.zeros(shape, dtype=dt))


class _FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        # PyTorch names the node <Name>Backward and defines it in torch.autograd.function.
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,),
                                 {"_function": cls, "__module__": "torch.autograd.function"})


class Function(FunctionCtx, metaclass=_FunctionMeta):
    """Subclass with static `forward` and `backward` (optionally `setup_context`); call `.apply(*args)`."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use new-style "
                           "autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")

    @classmethod
    def _run_forward(cls, ctx, args, kwargs):
        if cls.setup_context is Function.setup_context:
            return cls.forward(ctx, *args, **kwargs)
        out = cls.forward(*args, **kwargs)
        cls.setup_context(ctx, args, out)
        return out

    @classmethod
    def apply(cls, *args, **kwargs):
        if node_module._FORWARD_AD is not None and any(isinstance(a, Tensor) and a._fw_grad is not None
                                                       for a in args):
            from .forward_ad import function_apply
            return function_apply(cls, args, kwargs)  # forward with the primals, then jvp for the tangents
        return cls._apply(args, kwargs)[0]

    @classmethod
    def _apply(cls, args, kwargs):
        """(forward's result, recorded in a node if an input requires grad; the ctx forward was given)."""
        if cls.backward is Function.backward and cls.vjp is not Function.vjp:
            cls.backward = cls.vjp  # a Function that defines vjp instead of backward
        if cls.setup_context is not Function.setup_context:
            # as PyTorch: setup_context's `inputs` are forward's arguments, defaults filled in
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, {}
        tensor_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        needs = GradMode.enabled and any(args[i]._rg for i in tensor_pos)
        if not needs:
            ctx = _Ctx()
            ctx.needs_input_grad = tuple(False for _ in args)
            with no_grad():
                out = cls._run_forward(ctx, args, kwargs)
            for t in ctx._dirty:
                t._bump()
            return out, ctx
        node = cls._backward_cls.__new__(cls._backward_cls)
        node._tensor_positions_all = tuple(range(len(args)))
        node._tensor_positions = tuple(tensor_pos)
        node.next_functions = tuple(edge_to(args[i]) for i in tensor_pos)
        node.needs_input_grad_ = tuple(isinstance(a, Tensor) and a._rg for a in args)
        with no_grad():
            out = cls._run_forward(node, args, kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        dirty = {id(t) for t in node._dirty}
        for t in node._dirty:
            if t._rg and t.grad_fn is None:
                raise errors.runtime("a leaf Variable that requires grad has been used in an in-place operation.",
                                     str(errors.leaf_inplace()).split("[autograd_widgets] ")[1])
            t._bump()
        wrapped = []
        for i, o in enumerate(outs):
            if isinstance(o, Tensor) and id(o) not in node._non_diff and o._data.dtype.kind == "f":
                if id(o) not in dirty and (any(o is a for a in args) or o.grad_fn is not None or o._rg):
                    o = Tensor._make(o._data)  # an input returned unchanged: a new tensor, as in PyTorch
                o._rg, o.grad_fn, o._output_nr = True, node, i
            wrapped.append(o)
        node._meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else ((), None) for o in outs)
        node._xp = next((B.ns(o._data) for o in outs if isinstance(o, Tensor)), B.namespace("cpu"))  # zeros go there
        node._seq = next(_sequence)
        add_saved_attributes(node.__dict__)  # what forward or setup_context kept on ctx reads as _saved_<name>
        if node._saved:
            node._versions = tuple(t._version if isinstance(t, Tensor) else v
                                   for t, v in zip(node._saved, node._versions))
        return (tuple(wrapped) if isinstance(out, tuple) else wrapped[0]), node


class Error(Node):
    """What a once_differentiable backward returns under create_graph: differentiating it again raises."""

    def name(self):
        return "torch::autograd::Error"

    def backward(self, *grads):
        raise errors.runtime("trying to differentiate twice a function that was marked with @once_differentiable",
                             "This custom Function's backward is marked @once_differentiable, so its gradient has "
                             "no graph to differentiate again; write its backward with differentiable tensor ops "
                             "and drop the decorator.")


def once_differentiable(fn):
    """Run backward without recording a graph; differentiating its result again raises PyTorch's error."""
    @functools.wraps(fn)
    def wrapper(ctx, *grads):
        with no_grad():
            outputs = fn(ctx, *grads)
        if not GradMode.enabled or not any(isinstance(g, Tensor) and g._rg for g in grads):
            return outputs
        single = not isinstance(outputs, tuple)
        outputs = (outputs,) if single else outputs
        # As PyTorch: one Error node over detached copies of the gradients (leaves that "require grad").
        node = Error()
        edges, wrapped = [], []
        for i, o in enumerate(outputs):
            if not isinstance(o, Tensor):
                edges.append((None, 0))
                wrapped.append(o)
                continue
            edges.append(edge_to(o.detach().requires_grad_(True)))
            t = Tensor._make(o._data)
            t._rg, t.grad_fn, t._output_nr = True, node, i
            wrapped.append(t)
        node.next_functions = tuple(edges)
        node._meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else ((), None) for o in outputs)
        node._seq = next(_sequence)
        return wrapped[0] if single else tuple(wrapped)
    return wrapper
