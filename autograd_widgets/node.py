"""Backward nodes: what every op records, and the one path (`Op.apply`) by which it records it.

An op is a `Node` subclass named as PyTorch names it (`MulBackward0`) that holds, side by
side, its forward on arrays and its backward (a vector-Jacobian product) in tensor ops:

    class MulBackward0(Op):
        args, saves = ("self", "other"), ("self", "other")
        def forward(ctx, a, b): return a * b
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * a

`args` names the differentiable inputs (one `next_functions` edge each, Python numbers give
`(None, 0)`); `saves` names the inputs (or "result") kept for backward, released after a
backward unless the graph is retained; anything else forward stores on `ctx` stays, read as
`_saved_<name>` as in PyTorch (one set by a computed name, `setattr(ctx, side, v)`, is listed in `keeps`).
`saves_if` keeps a saved input only when the named input requires grad, as PyTorch's formulas
do (`mul` keeps `other` for self's gradient only): `saves_if = {"other": "self"}`. An unsaved
one is None in `saved_tensors` and `_saved_<name>`.
"""
import dis
import inspect
import itertools
import operator
import sys
import types
import weakref
from collections.abc import Callable

from . import backend as B
from . import errors
from .grad_mode import GradMode
from .naming import TorchClass

_sequence = itertools.count()
Tensor = None  # set by tensor.py (the two modules need each other)


class RemovableHandle:
    """Returned by register_hook; `remove()` unregisters the hook."""

    def __init__(self, hooks, key):
        self._hooks, self._key = hooks, key

    def remove(self):
        self._hooks.pop(self._key, None)


def _add_hook(table, fn):
    key = next(_sequence)
    table[key] = fn
    return RemovableHandle(table, key)


class _OutputRef(weakref.ref):
    """A saved output: a weak reference to it (holding it would be a cycle through its node) that keeps its
    array. One object, not a holder plus a reference: a graph of 1e5 ops has that many fewer for the GC."""
    __slots__ = ("data",)

    def __new__(cls, t):
        r = _ref_new(cls, t)
        r.data = t._data
        return r

    def __init__(self, t):
        super().__init__(t)


_ref_new = weakref.ref.__new__


class _Packed:
    """A saved tensor as a saved_tensors_hooks pack hook returned it; `unpack` gives the tensor back."""
    __slots__ = ("packed", "unpack_hook", "autograd")

    def __init__(self, packed, unpack_hook, autograd):
        # autograd: (requires_grad, grad_fn, output_nr, accumulator) of the saved tensor, restored on the
        # unpacked one as PyTorch does (so double backward works); None for the node's own output
        self.packed, self.unpack_hook, self.autograd = packed, unpack_hook, autograd

    def unpack(self, node):
        t = self.unpack_hook(self.packed)
        rg, fn, nr, ag = self.autograd or (True, node, 0, None)
        if isinstance(t, Tensor):  # a new tensor with the saved one's autograd data, as PyTorch's unpack
            t = Tensor._make(t._data)
            if rg:
                t._rg, t.grad_fn, t._output_nr, t._ag = True, fn, nr, ag
        return t


saved_tensors_hooks_stack = []  # (pack, unpack) pairs of torch.autograd.graph.saved_tensors_hooks; innermost last


def _pack(node_type, saved, versions, out=None):
    """`saved` with each tensor passed through the innermost pack hook (PyTorch packs at save time)."""
    pack, unpack = saved_tensors_hooks_stack[-1]
    packed, vs = list(saved), list(versions)
    for i in _hook_order(node_type, len(saved)):
        x = saved[i]
        if type(x) is _OutputRef or isinstance(x, Tensor):  # version 0, not None: the unpack path runs
            packed[i], vs[i] = _packed(x, out if type(x) is _OutputRef else x, pack, unpack), 0
    return tuple(packed), tuple(vs)


def _packed(x, seen, pack, unpack) -> "_Packed":
    """Saved value `x` (a tensor, or an _OutputRef to the node's output) as pack hook `pack` keeps it, given
    `seen`, the tensor the hook is shown; grad mode is off meanwhile, as in PyTorch."""
    prev, GradMode.enabled = GradMode.enabled, False
    try:
        kept = pack(seen)
    finally:
        GradMode.enabled = prev
    return _Packed(kept, unpack, None if type(x) is _OutputRef else (x._rg, x.grad_fn, x._output_nr, x._ag))


# The order PyTorch's generated nodes save (so pack and unpack hooks run) in, where it is not `saves`':
# each formula's saved values in order of first use in derivatives.yaml.
_PYTORCH_SAVE_ORDER = {
    "MulBackward0": ("other", "self"), "DivBackward0": ("other", "self"), "MmBackward0": ("mat2", "self"),
    "BmmBackward0": ("mat2", "self"), "PowBackward1": ("exponent", "self", "result"),
    "MaximumBackward0": ("other", "self"), "MinimumBackward0": ("other", "self"),
    "ClampBackward0": ("min", "max", "self"), "ClampMinBackward1": ("min", "self"),
    "ClampMaxBackward1": ("max", "self"),
}


def _hook_order(node_type, n):
    """Positions of the saved values in the order pack and unpack hooks see them (computed once per class)."""
    order = node_type.__dict__.get("_save_order")
    if order is None:
        names = _PYTORCH_SAVE_ORDER.get(node_type.__name__)
        order = tuple(node_type.saves.index(name) for name in names) if names else ()
        type.__setattr__(node_type, "_save_order", order)
    return order if len(order) == n else range(n)


class _Scratch:
    """ctx for a forward whose result needs no graph: takes attributes, keeps nothing."""


_SCRATCH = _Scratch()


TAKERS = set()  # AccumulateGrad and the classes that set _views_gradient: whose gradient's owner the engine follows


class Node(metaclass=TorchClass):
    """A backward function: `next_functions`, `name()`, hooks, saved tensors."""
    _cpp_class = True      # made in C++ in PyTorch (a custom Function's node is a Python class there)
    args = ()              # names of the differentiable inputs, one next_functions edge each
    saves = ()             # names of the inputs (or "result") kept for backward
    _saved = ()            # the kept values, in `saves` order (tensors, numbers, _OutputRef, _Packed)
    _versions = ()         # each kept tensor's version when kept (None: a number, nothing to check)
    _released = False      # the kept values were freed by a backward that did not retain the graph
    _pre_hooks = None
    _post_hooks = None
    _tensor_hooks = None   # {output_nr: {key: fn}} from Tensor.register_hook on outputs
    _retains = None        # {output_nr: weakref to a tensor that retain_grad()}
    _hooked = False        # any hook or retain_grad was ever added (the engine's plain loop skips the rest)
    _renumber = False      # made ahead of use (a view's regenerated grad_fn): numbered when first used
    # The edges, as two tuples: `_fns`, the next function of each input (None where no gradient flows),
    # and `_nrs`, which of its outputs each feeds (shared tuples of small ints). PyTorch's `next_functions`
    # pairs them up on each read; kept apart, a recorded op holds one tuple the garbage collector tracks
    # instead of one per edge and one around them (a graph of 1e5 ops: 1e5-2e5 fewer).
    _fns = ()
    _nrs = ()
    _fresh_results = False  # backward returns only new tensors or its incoming gradients (engine.py: ownership)
    _views_gradient = False  # backward returns a view of its incoming gradient and keeps nothing (TBackward0)
    keeps = ()             # names forward sets on ctx by a computed name (setattr): read as _saved_<name> too
    # Set on each recorded node: `_meta`, a ((shape, array dtype), ...) per output (what a gradient for it
    # must look like), and `_seq`, its creation number (the engine runs the newest ready node first).

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        _add_saved_attributes(cls)
        (TAKERS.add if cls._views_gradient else TAKERS.discard)(cls)

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"  # PyTorch's words, address included

    @property
    def metadata(self):
        d = self.__dict__.get("_metadata")
        if d is None:
            d = self.__dict__["_metadata"] = {}
        return d

    @property
    def next_functions(self):
        """One (node, output_nr) edge per input; (None, 0) where no gradient flows."""
        return tuple(zip(self._fns, self._nrs))

    @next_functions.setter
    def next_functions(self, edges):
        self._fns = tuple([fn for fn, _ in edges])
        self._nrs = _output_numbers([nr for _, nr in edges])

    @property
    def needs_input_grad(self):
        fns = self._fns
        if len(fns) == 2:  # most VJPs read it: no list for the common cases
            return fns[0] is not None, fns[1] is not None
        if len(fns) == 1:
            return (fns[0] is not None,)
        return tuple([fn is not None for fn in fns])

    @property
    def requires_grad(self):
        return True

    # --- saved tensors -------------------------------------------------------------------
    def save_for_backward(self, *tensors):
        self._saved = tensors
        self._versions = tuple(t._version if isinstance(t, Tensor) else None for t in tensors)
        if saved_tensors_hooks_stack:
            self._saved, self._versions = _pack(type(self), self._saved, self._versions)

    @property
    def saved_tensors(self):
        if self._released:
            raise errors.freed_graph()
        saved = self._saved
        if len(saved) == 1:  # the common one-value case: no loop
            x, v = saved[0], self._versions[0]
            if v is None or (type(x) is Tensor and (x._ver if x._vsrc is None else x._vsrc._ver) == v):
                return saved
            if type(x) is _OutputRef:  # the result (tanh, exp, ...), gone or unchanged since: `_unpack`, inlined
                t = x()
                if t is None or (t._ver if t._vsrc is None else t._vsrc._ver) == v:
                    out = _new(Tensor)
                    out._data, out._rg, out.grad_fn = x.data, True, self
                    return (out,)
            return (self._unpack(x, v),)
        for x, v in zip(saved, self._versions):
            if v is not None and (type(x) is not Tensor or (x._ver if x._vsrc is None else x._vsrc._ver) != v):
                out = [None] * len(saved)
                for i in _hook_order(type(self), len(saved)):  # unpack hooks run in PyTorch's order
                    out[i] = self._unpack(saved[i], self._versions[i])
                return tuple(out)
        return saved  # plain tensors unchanged since saved, or numbers: nothing to unwrap or check

    def _unpack(self, x, version):
        if type(x) is _Packed:
            return x.unpack(self)
        if type(x) is _OutputRef:
            t = x()
            now = t._version if t is not None else version
            if now != version:
                raise _modified_error(t, now, version, output_of=self)
            out = _new(Tensor)
            out._data, out._rg, out.grad_fn = x.data, True, self
            return out
        if version is not None and x._version != version:
            raise _modified_error(x, x._version, version)
        return x

    def _release(self):
        if self._saved:
            self._saved = ()
            self._released = True

    # --- hooks ---------------------------------------------------------------------------
    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node; it may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = {}
        self._hooked = True
        return _add_hook(self._post_hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._hooked = True
        return _add_hook(self._pre_hooks, fn)

    def _add_tensor_hook(self, output_nr, fn):
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        self._hooked = True
        return _add_hook(self._tensor_hooks.setdefault(output_nr, {}), fn)

    def _add_retains(self, output_nr, tensor):
        if self._retains is None:
            self._retains = {}
        self._hooked = True
        self._retains[output_nr] = weakref.ref(tensor)

    def __call__(self, *grads):
        return self.backward(*grads)

    def _first_use(self):
        self._renumber = False
        self._seq = next(_sequence)


def saved_value(node: "Node", key: str):
    """`node._saved_<key>` as PyTorch reads it: a saved value by its name in `saves` (freed ones raise as in
    PyTorch; a Python number comes back as a 0-d tensor), else what forward kept on the node (`dim`, ...)."""
    saves = type(node).saves
    if key in saves:
        if node._released:
            raise errors.freed_graph()
        i = saves.index(key)
        value = node._unpack(node._saved[i], node._versions[i])
        if isinstance(value, (bool, int, float)):  # PyTorch saves a Python number as a 0-d tensor
            return Tensor._make(B.asarray(value))
        return value
    d = getattr(node, "__dict__", {})
    if key in d:
        value = d[key]
        return Tensor._make(value) if B.is_array(value) else value  # e.g. max's indices, as a tensor
    raise AttributeError(f"'{type(node).__name__}' object has no attribute '_saved_{key}'")


class _SavedAttribute:
    """`_saved_<key>` on every node: `saved_value(node, key)`. A descriptor on the class, not `__getattr__`, so
    Python keeps its fast attribute lookups for nodes (a class with `__getattr__` gets none in 3.11)."""
    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __get__(self, node, owner=None):
        if node is None:
            raise AttributeError(f"type object '{owner.__name__}' has no attribute '_saved_{self.key}'")
        return saved_value(node, self.key)


def _stored_names(module_name: str) -> set:
    """The public attribute names any code of a module assigns (`ctx.dim = ...`, `node.region = ...`):
    what a node may keep, each read back as `_saved_<name>`. Read from the module's code object, found
    on the stack (the module is running its body: a class is being made in it)."""
    frame = sys._getframe(1)
    while frame is not None and not (frame.f_code.co_name == "<module>" and
                                     frame.f_globals.get("__name__") == module_name):
        frame = frame.f_back
    if frame is None:  # a class made by a function (type(...) at run time): no module body to read
        return None
    names, stack = set(), [frame.f_code]
    while stack:
        c = stack.pop()
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
        code = c.co_code  # (opcode, arg) byte pairs; found with bytes.find, since dis takes a second per import
        i = code.find(_STORE_ATTR)
        while i >= 0:
            if i % 2 == 0:
                arg = code[i + 1] | (code[i - 1] << 8 if i and code[i - 2] == _EXTENDED_ARG else 0)
                names.add(c.co_names[arg])
            i = code.find(_STORE_ATTR, i + 1)
    return names


_READ_MODULES = set()
_STORE_ATTR, _EXTENDED_ARG = bytes([dis.opmap["STORE_ATTR"]]), dis.opmap["EXTENDED_ARG"]


class SavedTensor:
    """`node._raw_saved_<name>`: one saved tensor of a node, whose `register_hooks(pack_hook, unpack_hook)`
    packs it now and unpacks it whenever the backward (or `_saved_<name>`) reads it, as a
    saved_tensors_hooks context does for every tensor saved inside it."""
    __slots__ = ("node", "index")

    def __init__(self, node, index):
        self.node, self.index = node, index

    def register_hooks(self, pack_hook, unpack_hook):
        if not (callable(pack_hook) and callable(unpack_hook)):
            raise TypeError("register_hooks(): incompatible function arguments. The following argument types are "
                            "supported:\n    1. (self: torch._C._autograd.SavedTensor, arg0: collections.abc.Callable, "
                            "arg1: collections.abc.Callable) -> None")
        node, i = self.node, self.index
        if node._released:
            raise errors.runtime(
                "Calling register_hooks on a saved tensor after it has been freed. Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you "
                "need to backward through the graph a second time or if you need to access saved variables after "
                "calling backward.", "Register the hooks before the backward that frees the graph.")
        x = node._saved[i]
        if type(x) is _Packed:
            raise errors.runtime("Calling register_hooks on a saved tensor whose hooks have already been set. Hint: "
                                 "only one pair of hooks is allowed at a time.",
                                 "This tensor was saved inside saved_tensors_hooks, or its hooks were set before.")
        if x is None:
            raise errors.runtime("Calling register_hooks on a saved tensor with value None is forbidden",
                                 "This input needs no gradient, so the node kept nothing for it.")
        t = node._unpack(x, node._versions[i])
        if type(x) is _OutputRef:  # PyTorch packs the node's own output as plain data (no grad_fn)
            t = Tensor._make(t._data)
        saved, versions = list(node._saved), list(node._versions)
        saved[i], versions[i] = _packed(x, t, pack_hook, unpack_hook), 0
        node._saved, node._versions = tuple(saved), tuple(versions)


SavedTensor.__module__, SavedTensor.__qualname__ = "torch._C._autograd", "SavedTensor"


class _RawSavedAttribute:
    """`_raw_saved_<key>` on every node that saves `key`."""
    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __get__(self, node, owner=None):
        saves = () if node is None else type(node).saves
        if self.key not in saves:
            raise AttributeError(f"'{(owner or type(node)).__name__}' object has no attribute '_raw_saved_{self.key}'")
        return SavedTensor(node, saves.index(self.key))  # (after the graph is freed, register_hooks says so)


def _add_saved_attributes(cls) -> None:
    """`_saved_<name>` for each name `cls` saves or `keeps` and each name its module stores on objects;
    `_raw_saved_<name>` for each name it saves."""
    for key in cls.__dict__.get("saves", ()):
        if not key.startswith("_") and "_raw_saved_" + key not in Node.__dict__:
            type.__setattr__(Node, "_raw_saved_" + key, _RawSavedAttribute(key))
    add_saved_attributes(cls.__dict__.get("saves", ()) + cls.__dict__.get("keeps", ()))
    if cls.__module__ not in _READ_MODULES:
        names = _stored_names(cls.__module__)
        if names is not None:
            _READ_MODULES.add(cls.__module__)
            add_saved_attributes(names)


def add_saved_attributes(keys) -> None:
    """Make `node._saved_<key>` readable on every node for each public name in `keys` (a custom Function's
    ctx gets its attributes from the learner's code: its apply calls this with them)."""
    for key in keys:
        if not key.startswith("_") and "_saved_" + key not in Node.__dict__:
            type.__setattr__(Node, "_saved_" + key, _SavedAttribute(key))


def _modified_error(t, version, expected, output_of=None):
    """PyTorch's message names the node that produced the tensor: its saver for outputs, else its grad_fn."""
    if t is None:
        return errors.modified_saved("tensor", None, version, expected)
    desc = f"torch.{t.dtype._legacy} [{', '.join(str(s) for s in t.shape)}]"
    fn = output_of or t.grad_fn
    output_of = None
    if fn is not None:
        name = fn.name()
        base = name.split("Backward")[0] if "Backward" in name else name
        output_of = (base, t._output_nr)
    return errors.modified_saved(desc, output_of, version, expected)


class AccumulateGrad(Node):
    """The end of every path to a leaf: adds the arriving gradient into `variable.grad`."""

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    @property
    def _tensor_hooks(self):
        """The leaf's own hooks (Tensor.register_hook), read when the node runs, as PyTorch's tensor pre-hooks."""
        hooks = self.variable._hooks
        return {0: hooks} if hooks else None

    def __lt__(self, other):
        # The ready queue holds (-seq, node); AccumulateGrads share seq inf and so compare equal, which makes
        # them pop in the order PyTorch's std::priority_queue pops its equal entries (same heap algorithm).
        return False

    def _init_meta(self, variable):
        self._meta = ((variable._data.shape, variable._data.dtype),)
        self._seq = float("inf")  # PyTorch runs these as soon as they are ready

    def backward(self, grad):
        return ()

    def accumulate(self, grad: "Tensor", create_graph: bool, owned: bool = False) -> None:
        """Add `grad` into `variable.grad`.

        `owned`: the engine made `grad` during this backward and holds it alone (engine.py states the
        rule), so a first gradient is taken as it is; any other is copied, so a `.grad` never shares
        memory with a tensor a user holds (a gradient passed in, a hook's result, ...).
        """
        var = self.variable
        old = var._grad
        if old is None:
            if create_graph:
                var._grad = _copy_grad(grad)
            elif owned:  # PyTorch stores grad.detach(): a view's own tensor, not a view of a gradient nobody holds
                var._grad = grad if grad._base is None else Tensor._make(grad._data)
            else:
                var._grad = Tensor._make(grad._data.copy())
        elif create_graph or GradMode.enabled:
            var._grad = old + grad
        else:
            old._data += grad._data
            old._bump()


TAKERS.add(AccumulateGrad)


def _copy_grad(grad):
    from .ops.pointwise import CopyBackwards
    return CopyBackwards.apply(0.0, grad)


def edge_to(t):
    """The (node, input_nr) edge a graph keeps to tensor `t`."""
    if t._rg:
        fn = t.grad_fn
        if fn is not None:
            if fn._renumber:  # PyTorch makes it when the view is used, so it runs in that order
                fn._first_use()
            return (fn, t._output_nr)
        ag = t._ag() if t._ag is not None else None
        if ag is None:
            ag = AccumulateGrad(t)
            ag._init_meta(t)
            t._ag = weakref.ref(ag)
        return (ag, 0)
    return (None, 0)


_NO_EDGE = (None, 0)


def _shape_error(e, arrays):
    """NumPy's broadcasting ValueError as PyTorch's RuntimeError (shapes broadcast left to right)."""
    shapes = [tuple(a.shape) for a in arrays if hasattr(a, "shape")]
    if "broadcast" not in str(e) or len(shapes) < 2:
        return e
    s1 = shapes[0]
    for s2 in shapes[1:]:
        n = max(len(s1), len(s2))
        p1, p2 = (1,) * (n - len(s1)) + s1, (1,) * (n - len(s2)) + s2
        for d in range(n - 1, -1, -1):
            if p1[d] != p2[d] and 1 not in (p1[d], p2[d]):
                return errors.runtime(
                    f"The size of tensor a ({p1[d]}) must match the size of tensor b ({p2[d]}) at non-singleton "
                    f"dimension {d}",
                    f"Elementwise ops line shapes up from the right; sizes must be equal or 1. Shapes {list(s1)} and "
                    f"{list(s2)} differ in dimension {d}.")
        s1 = tuple(max(m, k) for m, k in zip(p1, p2))
    return e


_generic_scalar, _asarray = B.generic_scalar, B.asarray
_fp_get, _, _, _QUIET = B.quiet_state()
_run_quiet, _entered_elsewhere = B.quiet_run(), B.entered_elsewhere
_BUSY = object()
_PLAIN_NUMBERS = (int, float)  # the operands besides tensors an operator's recorder takes itself
_new = object.__new__
_call = getattr(operator, "call", None) or (lambda fn, *args, **kwargs: fn(*args, **kwargs))  # (3.11+ has it in C)
_ABSENT = object()  # an operand not given


def _given(a, b, more: tuple) -> tuple:
    """The operands a recorder was given."""
    if a is _ABSENT:
        return ()
    return (a,) if b is _ABSENT else (a, b, *more)


def _arrays(inputs: tuple) -> list:
    """What forward gets for `inputs` (the recorder's loop, again, for its rare paths)."""
    return [x._data if isinstance(x, Tensor) else x.item() if isinstance(x, _generic_scalar) else x for x in inputs]


def as_array(x):
    """NumPy turns 0-d results into scalars; a tensor always holds an array."""
    return _asarray(x) if isinstance(x, _generic_scalar) else x


# Immutable values many nodes hold, shared instead of built per node: fewer objects for the garbage
# collector to track and walk (a graph of 1e5 ops would otherwise hold several hundred thousand more).
_METAS = {}  # shape -> ((shape, dtype),): the `_meta` of a one-output node, for the float dtype seen last
_METAS_BY_DTYPE = {}  # (shape, dtype) -> the same, for every dtype
_VERSIONS = {t: t for n in (1, 2, 3) for t in itertools.product((0, None), repeat=n)}  # saved at version 0


def _meta(shape: tuple, dt) -> tuple:
    """The shared `_meta` of a one-output node whose result has `shape` and float or complex dtype `dt`.
    `_METAS` is looked up by shape alone (hashing a dtype costs as much as the rest of the lookup)."""
    key = (shape, dt)
    meta = _METAS_BY_DTYPE.get(key)
    if meta is None:
        if len(_METAS_BY_DTYPE) > 4096:  # a program with ever new shapes: start afresh rather than grow
            _METAS_BY_DTYPE.clear()
            _METAS.clear()
        meta = _METAS_BY_DTYPE[key] = (key,)
    _METAS[shape] = meta
    return meta


_NRS = {t: t for n in range(5) for t in itertools.product(range(3), repeat=n)}  # the output numbers seen most


def _output_numbers(nrs: list) -> tuple:
    """`nrs` as a tuple, the shared one where there is one."""
    t = tuple(nrs)
    return _NRS.get(t, t)


_ZEROS = tuple(_NRS[(0,) * n] for n in range(5)) + tuple((0,) * n for n in range(5, 65))  # by input count


_RESULT_ONLY = ((-1, -1),)  # the `_save_plan` of an op that keeps just its result
_CROSSED = ((0, 1), (1, 0))  # that of mul, mm, ...: each of two factors kept for the other's gradient
_SAVED_AT_0 = _VERSIONS[(0,)]


# autograd.forward_ad's handler while a dual level is open (None otherwise): every op's apply hands its
# call to it, which runs the op and gives its outputs tangents when its inputs have them.
_FORWARD_AD = None


def _recorder(cls, operand: "Callable | None" = None, operands: int = 2) -> "Callable[..., Tensor]":
    """`cls.apply`: run forward on `inputs` (tensors or Python numbers) and, if grad is needed, record a node.

    Built once per Op class, with the class's settings in its closure (a class attribute lookup per call
    costs more than the arithmetic of a small op); `_bind` sets them, again whenever one is set on the class.
    With `operand`, it is a Tensor method or torch function (`entry_point`): a call with other than `operands`
    operands, each a tensor (the second may be a Python int or float), goes to `operand(*inputs, **params)`.
    """
    quiet = forward = plan = saves = None  # set by _bind
    lone = operands == 1

    def apply(a=_ABSENT, b=_ABSENT, /, *more, **params) -> "Tensor":
        # The hot path of every op, forward and backward. One or two operands, the first a tensor, the second
        # a tensor or a Python number, no keywords (arithmetic, one-input functions, most backward formulas):
        # unrolled, forward called directly (a call through *args costs as much as a small op's arithmetic).
        # Anything else: the loop. Either gathers the edges in the same pass as the arrays (under no_grad,
        # and in a backward, there are none to gather).
        unrolled = not more and not params and isinstance(a, Tensor) and (
            b is _ABSENT or isinstance(b, Tensor) or type(b) in _PLAIN_NUMBERS)
        if operand is not None and (not unrolled or (b is _ABSENT) is not lone):
            return operand(*_given(a, b, more), **params)  # another call of a method: its own checks
        if _FORWARD_AD is not None:  # inside autograd.forward_ad.dual_level(): tangents go along
            return _FORWARD_AD(apply, cls, _given(a, b, more), params)
        run = _call if not quiet or _fp_get() is _QUIET else _run_quiet  # (a backward has turned the warnings off)
        record = False
        try:
            if unrolled:
                fa = fb = None
                nr_sum = 0
                grad = GradMode.enabled
                if grad and a._rg:
                    record, fa, nr_sum = True, a.grad_fn, a._output_nr
                    if fa is None or fa._renumber:
                        fa = edge_to(a)[0]
                if b is _ABSENT:
                    node = _new(cls) if record else _SCRATCH  # no Op defines __new__
                    fns = (fa,) if record else None
                    data = run(forward, node, a._data)
                else:
                    if isinstance(b, Tensor):
                        bd = b._data
                        if grad and b._rg:
                            record, fb, nr_sum = True, b.grad_fn, nr_sum + b._output_nr
                            if fb is None or fb._renumber:
                                fb = edge_to(b)[0]
                    else:
                        bd = b
                    node = _new(cls) if record else _SCRATCH
                    fns = (fa, fb) if record else None
                    data = run(forward, node, a._data, bd)
            else:
                inputs = _given(a, b, more)
                arrays = []
                fns = []
                nr_sum = 0  # the output numbers are all 0 (one tuple shared by every such node) unless this is not
                grad = GradMode.enabled
                for x in inputs:
                    if isinstance(x, Tensor):
                        arrays.append(x._data)
                        if grad and x._rg:
                            record = True
                            fn = x.grad_fn
                            fns.append(fn if fn is not None and not fn._renumber else edge_to(x)[0])
                            nr_sum += x._output_nr
                            continue
                    else:  # a number; a NumPy scalar reads as one, as in PyTorch (weak in type promotion)
                        arrays.append(x.item() if isinstance(x, _generic_scalar) else x)
                    fns.append(None)
                fns = tuple(fns)
                if len(fns) >= len(_ZEROS):
                    nr_sum = 1  # no shared tuple that long: the output numbers are made below
                node = _new(cls) if record else _SCRATCH
                data = run(forward, node, *arrays, **params)
        except ValueError as e:
            raise _shape_error(e, _arrays(_given(a, b, more))) from None
        except TypeError:
            from .transfer import retry_or_raise  # array libraries refuse each other's arrays with TypeError
            out = retry_or_raise(cls, _given(a, b, more), params)
            if out is None:
                raise
            return out
        except RuntimeError as e:
            if not _entered_elsewhere(e):
                raise
            data = _BUSY
        if data is _BUSY:  # another thread is inside the quiet context (outside `except`: no chained error)
            data = B.quietly(forward, node, *_arrays(_given(a, b, more)), **params)
        if isinstance(data, _generic_scalar):  # NumPy turns 0-d results into scalars
            data = _asarray(data)
        out = _new(Tensor)
        out._data = data
        if not record:
            return out
        shape, dt = data.shape, data.dtype
        meta = _METAS.get(shape)
        if meta is None or meta[0][1] is not dt:  # only float and complex ones are kept there
            if dt.kind not in "fc":  # as PyTorch: integer and bool results never require grad
                return out
            meta = _meta(shape, dt)
        node._fns = fns
        node._nrs = _ZEROS[len(fns)] if not nr_sum else _output_numbers(
            [x._output_nr if isinstance(x, Tensor) and x._rg else 0 for x in _given(a, b, more)])
        node._meta = meta
        node._seq = next(_sequence)
        if plan:
            if plan is _RESULT_ONLY:  # tanh, exp, sigmoid, ...: the result, held without the node (no Python call)
                ref = _ref_new(_OutputRef, out)
                ref.data = data
                node._saved, node._versions = (ref,), _SAVED_AT_0
            elif plan is _CROSSED and unrolled:  # the loop below for mul, mm, ..., written out (half its cost)
                va = vb = None
                if fb is not None:
                    va = a._ver if a._vsrc is None else a._vsrc._ver
                if fa is not None and bd is not b:
                    vb = b._ver if b._vsrc is None else b._vsrc._ver
                versions = (va, vb)
                node._saved = (a if fb is not None else None, b if fa is not None else None)
                node._versions = _VERSIONS.get(versions, versions)
            else:  # saved value i (-1: the result) is kept if input j (-1: always) needs a gradient
                if unrolled:
                    inputs = (a,) if b is _ABSENT else (a, b)
                saved, versions = [], []
                for i, j in plan:  # a loop here, not a call: a call costs as much as the loop
                    if j >= 0 and fns[j] is None:
                        saved.append(None)
                        versions.append(None)
                    elif i < 0:
                        ref = _ref_new(_OutputRef, out)
                        ref.data = data
                        saved.append(ref)
                        versions.append(0)
                    else:
                        s = inputs[i]
                        saved.append(s)
                        versions.append((s._ver if s._vsrc is None else s._vsrc._ver) if isinstance(s, Tensor) else None)
                versions = tuple(versions)
                node._saved, node._versions = tuple(saved), _VERSIONS.get(versions, versions)
        out._rg = True
        out.grad_fn = node
        if saved_tensors_hooks_stack and saves:  # pack hooks see the output as recorded
            node._saved, node._versions = _pack(cls, node._saved, node._versions, out)
        return out

    apply.__qualname__ = f"{cls.__name__}.apply"
    apply.recorder = True
    _bind(apply, cls)
    return apply


def _bind(apply, cls) -> None:
    """Put `cls`'s settings into the closure of its recorder `apply`: every reference to it, however taken
    (`Tensor.__add__`, a module's `tanh`), runs with a setting set on the class later."""
    values = {"quiet": cls.quiet, "forward": cls.forward, "plan": cls._save_plan, "saves": bool(cls.saves)}
    for name, cell in zip(apply.__code__.co_freevars, apply.__closure__):
        if name in values:
            cell.cell_contents = values[name]


def entry_point(op: "type[Op]", other_calls: Callable, operands: int = 2) -> Callable:
    """`op.apply` as a Tensor method or torch function of `operands` operands (`__add__`: 2, `tanh`: 1): a
    tensor (and a tensor or Python int or float second) goes straight to the recorder, no call between (the
    hot path of arithmetic); `other_calls(*args, **kwargs)` takes any other call, with its own checks."""
    apply = _recorder(op, other_calls, operands)
    apply.__signature__ = inspect.signature(other_calls)  # help() shows the method's, not the recorder's
    _ENTRY_POINTS.setdefault(op, []).append(apply)
    return apply


_ENTRY_POINTS = {}  # op class -> its entry points (recorders that _bind keeps up to date too)


class OpClass(TorchClass):
    """The class of an Op: when a setting its recorders hold is set on the class (or deleted, so that an
    inherited one shows again), they take it (`_bind`)."""

    def __setattr__(cls, name, value):
        super().__setattr__(name, value)
        if name in _BOUND_SETTINGS:
            _rebind(cls)

    def __delattr__(cls, name):
        super().__delattr__(name)
        if name in _BOUND_SETTINGS:
            _rebind(cls)


def _rebind(cls) -> None:
    for c in [cls, *_subclasses(cls)]:
        if _records(c):
            for apply in [c.__dict__["apply"].__func__, *_ENTRY_POINTS.get(c, ())]:
                _bind(apply, c)


_BOUND_SETTINGS = {"quiet", "forward", "_save_plan", "saves"}


def _subclasses(cls):
    for sub in type.__subclasses__(cls):
        yield sub
        yield from _subclasses(sub)


def _records(cls) -> bool:
    """Whether `cls` records with Op's recorder (MultiOp, for one, has its own apply)."""
    owner = next(k for k in cls.__mro__ if "apply" in k.__dict__)
    return getattr(getattr(owner.__dict__["apply"], "__func__", None), "recorder", False)


class Op(Node, metaclass=OpClass):
    """A built-in op: forward on arrays, backward in tensor ops (see the module docstring)."""
    saves_result = False
    saves_if = None
    # Float results may be inf/nan, which PyTorch computes silently: forward runs with NumPy's
    # floating-point warnings off (the user's settings hold outside it). False for ops that cannot warn.
    quiet = True
    _save_plan = ()  # (saved value's input position or -1 for the result, position of the input it is kept for)
    _fresh_results = True  # a built-in backward makes its results with ops, or passes its gradients on

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        cls.saves_result = "result" in cls.saves
        cls._save_index = tuple(cls.args.index(s) if s != "result" else -1 for s in cls.saves)
        when = cls.saves_if or {}  # per saved value: (its position, that of the input whose requires_grad keeps it)
        plan = tuple((i, cls.args.index(when[s]) if s in when else -1) for i, s in zip(cls._save_index, cls.saves))
        type.__setattr__(cls, "_save_plan", _RESULT_ONLY if plan == _RESULT_ONLY else _CROSSED if plan == _CROSSED else plan)
        if _records(cls):
            type.__setattr__(cls, "apply", staticmethod(_recorder(cls)))

    def forward(ctx, *arrays, **params):
        raise NotImplementedError

    def backward(ctx, grad):
        raise NotImplementedError


Op.apply = staticmethod(_recorder(Op))  # each subclass gets its own (Op.__init_subclass__)


class MultiOp(Op):
    """An op with several outputs (PyTorch's convolution_backward, native_layer_norm_backward, ...).

    forward returns a tuple of arrays, None for an output not asked for; `apply` returns a tuple
    of tensors (None likewise), output i with `output_nr` i; backward gets one gradient per
    output, None for an output nothing depended on.
    """

    @classmethod
    def apply(cls, *inputs: "Tensor | float | int | None", **params) -> "tuple[Tensor | None, ...]":
        if _FORWARD_AD is not None:
            return _FORWARD_AD(cls.apply, cls, inputs, params)
        arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
        record = GradMode.enabled and any(isinstance(x, Tensor) and x._rg for x in inputs)
        node = cls.__new__(cls) if record else _SCRATCH
        if cls.quiet and _fp_get() is not _QUIET:
            datas = B.quietly(cls.forward, node, *arrays, **params)
        else:
            datas = cls.forward(node, *arrays, **params)
        outs = tuple([None if d is None else Tensor._make(as_array(d)) for d in datas])
        if record:
            node.next_functions = tuple([edge_to(x) if isinstance(x, Tensor) else _NO_EDGE for x in inputs])
            node._meta = tuple([((), None) if d is None else (d.shape, d.dtype) for d in datas])
            node._seq = next(_sequence)
            node.save_for_backward(*[inputs[i] for i in cls._save_index])
            for i, o in enumerate(outs):
                if o is not None and o._data.dtype.kind in "fc":  # integer outputs (indices) never require grad
                    o._rg, o.grad_fn, o._output_nr = True, node, i
        return outs
