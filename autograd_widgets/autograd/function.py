"""torch.autograd.Function: user-defined ops with their own forward and backward."""
from .. import backend as B
from ..grad_mode import GradMode, no_grad
from ..node import Node, _sequence, edge_to
from ..tensor import Tensor


class BackwardCFunction(Node):
    """The node of a custom Function; it is also the `ctx` its forward and backward receive."""
    _cpp_class = False  # a Python class in PyTorch too: printed with its module
    _function = None
    materialize_grads = True

    def backward(self, *grads):
        fn = self._function
        if self.materialize_grads:
            grads = tuple(g if g is not None else _zeros(meta, self._xp) for g, meta in zip(grads, self._meta))
        result = fn.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        n_args = len(self._tensor_positions_all)
        if len(result) < n_args:
            from .. import errors
            raise errors.runtime(f"function {type(self).__name__} returned an incorrect number of gradients "
                                 f"(expected {n_args}, got {len(result)})",
                                 "backward() must return one gradient per argument of forward() (None for "
                                 "arguments that are not tensors or need no gradient).")
        return tuple(result[i] for i in self._tensor_positions)

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_diff = {id(t) for t in tensors}

    def set_materialize_grads(self, value):
        self.materialize_grads = value


def _zeros(meta, xp):
    shape, dt = meta
    return Tensor._make(xp.zeros(shape, dtype=dt))


class _Ctx:
    """ctx for a forward that needs no graph."""
    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors
    def mark_dirty(self, *tensors):
        pass
    def mark_non_differentiable(self, *tensors):
        pass
    def set_materialize_grads(self, value):
        pass
    needs_input_grad = ()


class _FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {"_function": cls})


class Function(metaclass=_FunctionMeta):
    """Subclass with static `forward(ctx, *args)` and `backward(ctx, *grads)`; call `.apply(*args)`."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use new-style "
                           "autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        tensor_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        needs = GradMode.enabled and any(args[i]._rg for i in tensor_pos)
        if not needs:
            ctx = _Ctx()
            ctx.needs_input_grad = tuple(False for _ in args)
            with no_grad():
                return cls.forward(ctx, *args, **kwargs)
        node = cls._backward_cls.__new__(cls._backward_cls)
        node._tensor_positions_all = tuple(range(len(args)))
        node._tensor_positions = tuple(tensor_pos)
        node.next_functions = tuple(edge_to(args[i]) for i in tensor_pos)
        node.needs_input_grad_ = tuple(isinstance(a, Tensor) and a._rg for a in args)
        with no_grad():
            out = cls.forward(node, *args, **kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        non_diff = getattr(node, "_non_diff", set())
        wrapped = []
        for i, o in enumerate(outs):
            if isinstance(o, Tensor) and id(o) not in non_diff and o._data.dtype.kind == "f":
                if any(o is a for a in args) or o.grad_fn is not None or o._rg:
                    o = Tensor._make(o._data)
                o._rg, o.grad_fn, o._output_nr = True, node, i
            wrapped.append(o)
        node._meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else ((), None) for o in outs)
        node._xp = next((B.ns(o._data) for o in outs if isinstance(o, Tensor)), B.namespace("cpu"))  # zeros go there
        node._seq = next(_sequence)
        if node._saved:
            node._versions = tuple(t._version if isinstance(t, Tensor) else None for t in node._saved)
        return tuple(wrapped) if isinstance(out, tuple) else wrapped[0]


def _needs_input_grad(self):
    return self.__dict__.get("needs_input_grad_", ())


BackwardCFunction.needs_input_grad = property(_needs_input_grad)


class FunctionCtx(_Ctx):
    pass
