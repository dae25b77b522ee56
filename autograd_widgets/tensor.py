"""The Tensor: an array, whether it requires grad, and where it came from (`grad_fn`)."""
import warnings
import weakref

from . import backend as B
from . import dtypes, errors, node, scalars
from .naming import TorchClass, visible
from .grad_mode import GradMode, no_grad
from .size import Size

_FLOAT_WARNED = [False]  # float() of a tensor that requires grad warns once per process, as PyTorch


class Tensor(metaclass=TorchClass):
    """A multi-dimensional array that can record the ops applied to it, as `torch.Tensor` does.

    `Tensor(data)` / `Tensor(*sizes)` behave like PyTorch's legacy constructor (float32).
    """
    _torch_path = "torch.Tensor"
    # Defaults live on the class so creating a tensor sets only what differs (it is the hot path).
    # `_data`, set on every instance: the array (NumPy, or CuPy on 'cuda') holding the values.
    _rg = False            # requires_grad
    grad_fn = None         # the node that made this tensor (None for a leaf)
    _grad = None           # .grad: the gradient accumulated here (leaves, or non-leaves that retain_grad)
    _ver = 0               # version counter: bumped by every in-place write (read through `_vsrc` if set)
    _output_nr = 0         # which output of grad_fn this tensor is
    _base = None           # the root tensor this one is a (differentiable) view of
    _vsrc = None           # the tensor whose version counter this one shares (views, detach())
    _fw_grad = None        # its tangent, inside autograd.forward_ad.dual_level()
    _chain = ()            # a view's steps from its root: ((view op class, params), ...)
    _nograd_view = False   # a view made under no_grad: PyTorch forbids recording an in-place op on it
    _multi_output = None   # (i, op) for piece i of unbind/split: in-place on it is forbidden too
    _views = None          # weak references to the views of this root (their grad_fn follows its history)
    _hooks = None          # {key: hook} from register_hook on a leaf (a non-leaf's live on its grad_fn)
    _retains_grad = False  # retain_grad() was called on this non-leaf
    _ag = None             # weak reference to this leaf's AccumulateGrad node, while a graph holds it
    __array_priority__ = 1000  # so `ndarray * tensor` defers to Tensor.__rmul__

    def __new__(cls, *args, device=None):
        from . import creation
        from .device import type_of
        if len(args) == 1 and not isinstance(args[0], int):
            src = args[0]
            data = src._data.astype(dtypes.float32.array_dtype) if isinstance(src, Tensor) else \
                creation.to_array(src, dtypes.float32, type_of(device))
        else:
            data = B.namespace(type_of(device)).zeros(tuple(args[0] if len(args) == 1 and isinstance(args[0], tuple)
                                                            else args), dtype=dtypes.float32.array_dtype)
        t = object.__new__(cls)
        t._data = data
        return t

    def __init__(self, *args, **kwargs):
        pass

    # No __getattr__ (it would cost every attribute read its fast path): the names of PyTorch's Tensor this
    # one lacks raise "autograd_widgets does not support" through descriptors (unsupported.py).
    _unsupported_names = frozenset()

    def __dir__(self):
        return visible(type(self), super().__dir__())

    @classmethod
    def _make(cls, data):
        t = object.__new__(cls)
        t._data = data
        return t

    # --- what it is --------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        return Size(self._data.shape) if dim is None else self._data.shape[dim]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def dtype(self):
        return dtypes.of_array(self._data)

    @property
    def device(self):
        from .device import of_type
        return of_type(B.device_of(self._data))

    @property
    def is_cuda(self):
        return B.device_of(self._data) == "cuda"

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def element_size(self):
        return self._data.itemsize

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return int(self._data.size) * self._data.itemsize

    def is_complex(self):
        return self._data.dtype.kind == "c"

    # --- memory layout (as a lesson on views and contiguity reads it) -------------------
    def stride(self, dim=None):
        """Steps in elements between neighbours along each dimension (the array's byte strides / itemsize)."""
        a = self._data
        if not a.size:  # PyTorch's contiguous strides (NumPy gives an empty array zero strides)
            steps, n = [], 1
            for size in reversed(a.shape):
                steps.append(n)
                n *= max(size, 1)
            steps = tuple(reversed(steps))
        else:
            steps = tuple(s // a.itemsize for s in a.strides)
        return steps if dim is None else steps[errors.wrap_dim(dim, a.ndim)]

    def storage_offset(self):
        """How many elements into the memory it shares with its base this tensor starts."""
        a = self._data
        return (B.address_of(a) - B.address_of(B.memory_root(a))) // a.itemsize

    def data_ptr(self):
        """The address of the first element: equal for tensors that share memory from the same place."""
        return int(B.address_of(self._data))

    def storage(self):
        """The memory block this tensor and its views share, as elements (PyTorch's deprecated TypedStorage)."""
        from .storage import typed_storage_of
        return typed_storage_of(self)

    def untyped_storage(self):
        """The same block, as bytes."""
        from .storage import untyped_storage_of
        return untyped_storage_of(self)

    def get_device(self):
        """-1 on the CPU, else the GPU's index (0)."""
        return -1 if B.device_of(self._data) == "cpu" else 0

    def is_pinned(self):
        return False

    def pin_memory(self, device=None):
        from .cuda import is_available
        if not is_available():
            raise errors.runtime("Cannot access accelerator device when none is available.",
                                 "Pinned memory speeds copies to a GPU; without one there is nothing to pin. "
                                 "Leave pin_memory out (or False).")
        return self.clone()

    # --- autograd state ----------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.grad_fn is not None:
            if not flag:
                raise errors.nonleaf_requires_grad()
            return
        if flag and self._data.dtype.kind != "f":
            raise errors.integer_requires_grad(factory=False)
        self._rg = bool(flag)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def retains_grad(self):
        return self._retains_grad

    @property
    def output_nr(self):
        return self._output_nr

    def _is_view(self):
        return self._base is not None

    @property
    def _version(self):
        return (self if self._vsrc is None else self._vsrc)._ver

    def _bump(self):
        (self if self._vsrc is None else self._vsrc)._ver += 1
        root = self if self._base is None else self._base
        if root._views and root._rg:  # its views now see new values: their history goes through the root's
            from .ops.view_inplace import regenerate
            regenerate(root)

    def _add_view(self, view):
        views = self._views
        if views is None:
            views = self._views = []
        views.append(weakref.ref(view))
        n = len(views)
        if n >= 32 and not n & (n - 1):  # drop dead references now and then, so a long-lived root keeps few
            views[:] = [r for r in views if r() is not None]

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
                "by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
                "for more information.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise errors.runtime(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                    f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size",
                    "A gradient holds one number per element of its tensor, so it must have the same shape.")
            if value._data.dtype != self._data.dtype:
                cpp = {"float32": "float", "float64": "double", "int64": "long", "int32": "int", "float16": "c10::Half"}
                given = cpp.get(value.dtype.name, value.dtype.name)
                raise errors.runtime(f"attempting to assign a gradient with dtype '{given}' to a tensor with "
                                     f"grad_dtype '{self.dtype._legacy[:-6]}'. The gradient must "
                                     "match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                                     "tensor's grad_dtype attribute with a specific dtype, or None to allow any "
                                     "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
                                     "gradient may break downstream systems that assume they match.",
                                     "Convert the gradient with .to(tensor.dtype) first.")
            mine, theirs = B.device_of(self._data), B.device_of(value._data)
            if mine != theirs:
                raise errors.runtime(f"attempting to assign a gradient with device type '{theirs}' to a tensor "
                                     f"with device type '{mine}'. Please ensure that the gradient and the tensor "
                                     "are on the same device",
                                     f"A gradient lives where its tensor lives; move it with .to('{mine}') first.")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    def retain_grad(self):
        """Keep this non-leaf's gradient in `.grad` during backward (leaves always keep theirs)."""
        if self.grad_fn is None:
            if not self._rg:
                raise errors.runtime("can't retain_grad on Tensor that has requires_grad=False",
                                     "Only tensors that are part of a graph receive gradients.")
            return
        if not self._retains_grad:
            self.grad_fn._add_retains(self._output_nr, self)
            self._retains_grad = True

    def register_hook(self, hook):
        """hook(grad) runs when this tensor's gradient is computed; it may return a replacement."""
        if not self._rg:
            raise errors.runtime("cannot register a hook on a tensor that doesn't require gradient",
                                 "Hooks see gradients, and only tensors that require grad get one.")
        if self.grad_fn is not None:
            return self.grad_fn._add_tensor_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = {}
        return node._add_hook(self._hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Add d(self)/d(leaf), weighted by `gradient` (v in v^T·J), into every leaf's `.grad`."""
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        t = Tensor._make(self._data)
        t._vsrc = self if self._vsrc is None else self._vsrc  # shares data and version counter, but is no view
        return t

    def detach_(self):
        if self._base is not None and self._base._rg:
            raise errors.runtime("Can't detach views in-place. Use detach() instead. If you are using "
                                 "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as "
                                 "True, gradients are views of DDP buckets, and hence detach_() cannot be called on "
                                 "these gradients. To fix this error, please refer to the Optimizer.zero_grad() "
                                 "function in torch/optim/optimizer.py as the solution.",
                                 "This tensor is a view of another tensor that requires grad.")
        self.grad_fn = None
        self._rg = False
        return self

    @property
    def data(self):
        return Tensor._make(self._data)

    @data.setter
    def data(self, value):
        self._data = value._data

    # --- conversion ----------------------------------------------------------------------
    def numpy(self, force=False):
        """The NumPy array behind a CPU tensor (shared memory); force=True copies from any device."""
        if force:
            return B.to_host(self._data)
        if B.device_of(self._data) != "cpu":
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to "
                            "copy the tensor to host memory first.")
        if self._rg and GradMode.enabled:  # under no_grad PyTorch hands the array out
            raise errors.numpy_requires_grad()
        return self._data

    def __array__(self, dtype=None, copy=None):
        if B.device_of(self._data) != "cpu":
            self.numpy()  # raises PyTorch's TypeError: NumPy never silently copies from a GPU
        if self._rg and GradMode.enabled:  # as PyTorch's __array__, which calls numpy()
            raise errors.numpy_requires_grad()
        a = self.detach()._data
        return a if dtype is None else a.astype(dtype)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        """A NumPy function's result on a tensor comes back a tensor (np.exp(t), t @ np.ones(3)), as
        PyTorch's __array_wrap__ gives it: torch.from_numpy, bool results as uint8 (its old workaround)."""
        if array.dtype == bool:
            array = array.astype(B.host_dtype("uint8"))
        return Tensor._make(B.asarray(array))

    def item(self):
        if self._data.size != 1:
            raise errors.runtime(f"a Tensor with {self._data.size} elements cannot be converted to Scalar",
                                 "item() reads one number; index the tensor first or use tolist().")
        return B.to_host(self._data).reshape(()).item()

    def tolist(self):
        return B.to_host(self._data).tolist()

    def _scalar(self):
        """The one number a Python float()/int() reads: PyTorch's ValueError otherwise (item() says it otherwise)."""
        if self._data.size != 1:
            raise errors.value("only one element tensors can be converted to Python scalars",
                               f"This tensor has {self._data.size} elements; index one first, or use tolist().")
        return self.item()

    def __float__(self):
        if self._rg and not _FLOAT_WARNED[0]:  # PyTorch's TORCH_WARN_ONCE: the first float() of such a tensor
            _FLOAT_WARNED[0] = True
            warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                          "Consider using tensor.detach() first.", UserWarning, stacklevel=2)
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def __index__(self):
        if self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise errors.runtime(f"Boolean value of Tensor with {'no values' if not self._data.size else 'more than one value'} is ambiguous",
                                 "Use .any() or .all(), or compare a single element.")
        return bool(self.item())

    def __hash__(self):
        return id(self)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __repr__(self):
        from .printing import tensor_repr
        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        # As PyTorch: a 0-d tensor formats its number (f"{t}" gives "2.0"); others take no format spec.
        if self._data.ndim == 0 and type(self) is Tensor:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise errors.runtime("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                                 "protocol at the moment.  If you were attempting to deepcopy a module, this may "
                                 "be because of a torch.nn.utils.weight_norm usage, see "
                                 "https://github.com/pytorch/pytorch/pull/103001",
                                 "Deep-copy a leaf, or call .detach().clone() on this result first.")
        t = type(self)._make(B.deepcopy_sharing(self._data, memo))
        t._rg = self._rg
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = t
        return t

    def __reduce_ex__(self, proto):
        return (_rebuild, (B.to_host(self._data), self._rg))

    # --- in-place updates ----------------------------------------------------------------
    def _check_inplace(self, indexed=False, computed=True):
        """Raise PyTorch's error if writing into this tensor would corrupt a graph.

        `indexed`: a write through t[...] = v, which PyTorch reports as a write into a view of the leaf.
        `computed`: the new values are computed from the old ones, which PyTorch refuses where elements
        share memory (expand); a fill or an indexed write does not."""
        base = self._base
        if GradMode.enabled:
            if self._rg and self.grad_fn is None:
                raise errors.leaf_inplace(view=indexed)
            if base is not None and (self._rg or base._rg):  # PyTorch: a view requires grad if its base does
                if self._nograd_view:
                    raise errors.nograd_view_inplace()
                if self._multi_output:
                    raise errors.multi_output_view_inplace(*self._multi_output)
                if base.grad_fn is None:
                    raise errors.leaf_inplace(view=True)
        if computed and base is not None and B.overlaps(self._data):
            raise errors.overlapping_inplace()

    def _assign(self, result):
        """Make this tensor hold `result` in place: same array, new history, version bumped."""
        data = self._data
        if result._data.shape != data.shape:
            raise errors.runtime(f"output with shape {list(data.shape)} doesn't match the broadcast shape "
                                 f"{list(result._data.shape)}",
                                 "An in-place op must give a result of the shape of the tensor it writes into.")
        fn = result.grad_fn
        if fn is not None:
            _edge_from_original_self(fn)
        if fn is not None and self._base is not None:
            if self._nograd_view:
                raise errors.nograd_view_inplace()
            data[...] = result._data
            from .ops.view_inplace import rebase_history
            rebase_history(self, fn)  # the root's history: CopySlices over fn
        else:
            data[...] = result._data
            if fn is not None:
                self.grad_fn, self._rg, self._output_nr = fn, True, 0
        result.grad_fn = None
        self._bump()
        return self

    def _inplace(self, op, *args):
        self._check_inplace()
        if GradMode.enabled and (self._rg or any(isinstance(a, Tensor) and a._rg for a in args)):
            result = op(self._shallow_copy(), *args)
            self._check_result_type(result)
            if result._fw_grad is not None:
                _forward_ad().written_in_place(self, result._fw_grad)
            return self._assign(result)
        with no_grad():
            result = op(self, *args)
        self._check_result_type(result)
        if result._fw_grad is not None:
            _forward_ad().written_in_place(self, result._fw_grad)
        data = self._data
        if result._data.shape != data.shape:
            raise errors.runtime(f"output with shape {list(data.shape)} doesn't match the broadcast shape "
                                 f"{list(result._data.shape)}",
                                 "An in-place op must give a result of the shape of the tensor it writes into.")
        data[...] = result._data
        self._bump()
        return self

    def _check_result_type(self, result):
        """PyTorch refuses an in-place op whose result would be cut to this tensor's dtype: a float result for
        an integer or bool tensor, an integer result for a bool tensor."""
        have, want = result._data.dtype, self._data.dtype
        if have != want and (want.kind != "f" and have.kind == "f" or want.kind == "b" and have.kind in "iu"):
            raise errors.runtime(f"result type {result.dtype._legacy[:-6]} can't be cast to the desired output "
                                 f"type {self.dtype._legacy[:-6]}", "Make the tensor a float tensor first.")

    def _shallow_copy(self):
        """This tensor's current value as an in-place op's input: PyTorch's `original_self`, a clone that
        the op may save; `_assign` points the op's first edge back at this tensor's own history."""
        if not self._rg:
            t = Tensor._make(self._data.copy())
            if self._fw_grad is not None:
                _forward_ad().set_tangent(t, self._fw_grad)
            return t
        from .ops.pointwise import CloneBackward0
        t = CloneBackward0.apply(self)
        t.grad_fn._original_self = True
        return t

    def zero_(self):
        return self._fill(0, "ZeroBackward0")

    def fill_(self, value):
        if isinstance(value, Tensor):
            if value.ndim:
                raise errors.runtime(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                                     "dimensions.", "fill_ writes one number into every element: give a 0-d tensor "
                                     "(v.sum(), v[0]) or a Python number.")
            if GradMode.enabled and (self._rg or value._rg):  # FillBackward3: the value gets the gradient's sum
                self._check_inplace(computed=False)
                from .ops.pointwise import FillBackward3
                return self._assign(FillBackward3.apply(self._shallow_copy(), value))
            return self._fill(scalars.copied(value._data, self._data.dtype), "FillBackward2")  # cast unchecked
        return self._fill(scalars.filling(value, self._data.dtype, self.numel()), "FillBackward2")

    def _fill(self, value, node):
        self._check_inplace(computed=False)
        if self._fw_grad is not None:  # as PyTorch: a filled tensor's tangent is zero
            _forward_ad().written_in_place(self, Tensor._make(B.ns(self._data).zeros_like(self._fw_grad._data)))
        if GradMode.enabled and self._rg:  # recorded: PyTorch's node for it, whose gradient is zero
            from .ops import pointwise
            return self._assign(getattr(pointwise, node).apply(self._shallow_copy(), value=value))
        self._data[...] = value
        self._bump()
        return self

    def copy_(self, src):
        from .ops.pointwise import CopyBackwards
        return self._inplace(CopyBackwards.apply, src)

    def __setitem__(self, index, value):
        from .ops import indexing
        indexing.setitem(self, index, value)


def _forward_ad():
    from .autograd import forward_ad
    return forward_ad


def _edge_from_original_self(fn):
    """An in-place op ran on a clone of self (`_shallow_copy`): its first edge goes to self's own history."""
    edges = fn.next_functions
    first = edges[0][0] if edges else None
    if first is not None and first.__dict__.get("_original_self"):
        fn.next_functions = first.next_functions + edges[1:]


def _rebuild(array, requires_grad):
    t = Tensor._make(array)
    t._rg = requires_grad
    return t


node.Tensor = Tensor
