"""The one module that names an array library.

Every array the core touches is made or transformed through here, so another array
namespace plugs in at this seam alone: CuPy for the 'cuda' device (imported only when a
'cuda' tensor is first asked for), or the test suite's checking namespace. `ns(a)` gives
the namespace of an array, `namespace(device)` that of a device type; the rest are the few
operations that differ between libraries or need care.
"""
import contextvars
import importlib
import importlib.util
import math
from types import ModuleType
from typing import Any, Callable, Optional

import numpy

from . import errors

# device type -> (namespace, array type, scatter_add, fused kernels); 'cuda' is added on first use
_DEVICES = {}
_NS = {}       # array type -> namespace (the hot lookup)
_FUSED = {}    # array type -> its fused kernels (cuda_kernels.Kernels for CuPy)
_DEVICE = {}   # array type -> device type
generic_scalar = numpy.generic
# host data a dataset may hand the DataLoader (its default collate makes tensors of them)
host_array_type = numpy.ndarray
host_scalar_types = (numpy.bool_, numpy.number, numpy.object_)
Array = Any  # an array of a registered namespace: numpy.ndarray, cupy.ndarray, or a test's stand-in


def use_device(device_type: str, xp: ModuleType, array_type: type,
               scatter_add: Optional[Callable] = None, kernels: Optional[Any] = None) -> Optional[tuple]:
    """Make arrays of `array_type` from namespace `xp` the data of tensors on `device_type`.

    `scatter_add(target, index, values)` defaults to `xp.add.at`; `kernels` (a cuda_kernels.Kernels, or
    None) are the fused kernels ops use on these arrays (`fused`). Returns what was there before (None if
    nothing), so that `restore_device` can put it back.
    """
    old = _DEVICES.get(device_type)
    drop_device(device_type)
    _DEVICES[device_type] = (xp, array_type, scatter_add or (lambda t, i, v: xp.add.at(t, i, v)), kernels)
    _NS[array_type], _DEVICE[array_type] = xp, device_type
    if kernels is not None:
        _FUSED[array_type] = kernels
    return old


def drop_device(device_type: str) -> None:
    """Forget the namespace of `device_type` (the next use loads it afresh)."""
    old = _DEVICES.pop(device_type, None)
    if old is not None:
        _NS.pop(old[1], None)
        _DEVICE.pop(old[1], None)
        _FUSED.pop(old[1], None)
        _ONES_VECTORS.clear()
    for cache in _BY_TYPE_CACHES:
        cache.clear()


def by_type_cache() -> dict:
    """A dict for what is looked up per array type (an op's array function, ...): emptied whenever a
    device's namespace changes, so nothing found in an old namespace is used again."""
    cache = {}
    _BY_TYPE_CACHES.append(cache)
    return cache


_BY_TYPE_CACHES = []


def restore_device(device_type: str, old: Optional[tuple]) -> None:
    """Undo `use_device`, given what it returned."""
    drop_device(device_type)
    if old is not None:
        use_device(device_type, *old)


use_device("cpu", numpy, numpy.ndarray, numpy.add.at)


def _array_type(a):
    t = type(a)
    if t in _NS:
        return t
    if isinstance(a, numpy.generic):  # NumPy gives scalars for 0-d results
        return numpy.ndarray
    for known in _NS:
        if isinstance(a, known):
            return known
    raise TypeError(f"autograd_widgets cannot compute with arrays of type {t.__name__}; tensors hold arrays of "
                    f"{', '.join(k.__module__ + '.' + k.__name__ for k in _NS)}")


def ns(a: Array) -> ModuleType:
    """The array namespace (module) that owns array `a`."""
    try:
        return _NS[type(a)]
    except KeyError:
        return _NS[_array_type(a)]


def fused(a: Array) -> "Optional[Any]":
    """The fused elementwise kernels for arrays of `a`'s type (cuda_kernels.Kernels for CuPy), or None
    (NumPy: each op runs its formula, whose temporaries cost little on the CPU)."""
    return _FUSED.get(type(a))


fused_for_type = _FUSED.get  # fused(a) as fused_for_type(type(a)): what the per-op hot paths call (no frame)


def one(a: Array) -> Array:
    """1 as a 0-d array of `a`'s dtype and type, for formulas like 1 - y: the same result as the Python
    number 1, where NumPy's handling of a Python number costs more than the subtraction (~2,500
    instructions per call: a third of tanh's backward)."""
    o = _ONES.get(a.dtype)
    if o is None or type(o) is not type(a):
        o = _ONES[a.dtype] = ns(a).ones((), a.dtype)
    return o


_ONES = {}  # dtype -> its 1, of the array type last asked for


def device_of(a: Array) -> str:
    """The device type ('cpu', 'cuda') array `a` lives on."""
    try:
        return _DEVICE[type(a)]
    except KeyError:
        return _DEVICE[_array_type(a)]


def address_of(a: Array) -> int:
    """The address of `a`'s first element (a device pointer for a CuPy array)."""
    return a.ctypes.data if isinstance(a, numpy.ndarray) else a.data.ptr


def is_array(a: object) -> bool:
    return type(a) in _NS or isinstance(a, tuple(_NS))


def memory_root(a: Array) -> Array:
    """The array whose memory `a` views, however many views deep (through the stand-in object NumPy's
    broadcast_to keeps as a view's base): a tensor's storage."""
    while True:
        base = getattr(a, "base", None)
        if not is_array(base):
            base = getattr(base, "base", None)  # broadcast_to: a DummyArray holding the original
            if not is_array(base):
                return a
        a = base


def namespace(device: str = "cpu") -> ModuleType:
    """The array namespace of a device type; 'cuda' loads CuPy, raising PyTorch's error if it cannot."""
    entry = _DEVICES.get(device)
    if entry is None:
        if device != "cuda":
            raise errors.runtime(f"autograd_widgets has no '{device}' device",
                                 "Tensors live on 'cpu', or on 'cuda' where CuPy and an NVIDIA GPU are present.")
        _load_cupy()
        entry = _DEVICES["cuda"]
    return entry[0]


def _load_cupy():
    if importlib.util.find_spec("cupy") is None:
        raise AssertionError(errors._explain(
            "Torch not compiled with CUDA enabled",
            "autograd_widgets runs 'cuda' tensors on CuPy, which is not installed. On a machine with an NVIDIA "
            "GPU, `pip install \"autograd_widgets[cuda]\"`; otherwise keep tensors on the CPU."))
    cupy = importlib.import_module("cupy")
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # CuPy raises its own CUDARuntimeError when there is no driver
        count, why = 0, f" CuPy says: {e}"
    else:
        why = ""
    if count == 0:
        raise errors.runtime("No CUDA GPUs are available",
                             "CuPy is installed, but it finds no GPU it can use." + why)
    kernels = importlib.import_module(".cuda_kernels", __package__).Kernels(cupy)
    # CuPy 14 deprecates cupyx.scatter_add for ufunc.at
    scatter = None if hasattr(cupy.add, "at") else importlib.import_module("cupyx").scatter_add
    use_device("cuda", cupy, cupy.ndarray, scatter, kernels)


def cuda_device_count() -> int:
    """How many GPUs the 'cuda' device can use (0 without CuPy or a driver); imports CuPy only if installed."""
    if "cuda" in _DEVICES:
        return _device_count(_DEVICES["cuda"][0])
    if importlib.util.find_spec("cupy") is None:
        return 0
    try:
        _load_cupy()
    except (AssertionError, RuntimeError):
        return 0
    return _device_count(_DEVICES["cuda"][0])


def _runtime():
    """CuPy's CUDA runtime module, or None for a stand-in namespace (tests) that has none."""
    return getattr(getattr(namespace("cuda"), "cuda", None), "runtime", None)


def _device_count(xp):
    runtime = getattr(getattr(xp, "cuda", None), "runtime", None)
    return runtime.getDeviceCount() if runtime is not None else 1  # a stand-in namespace counts as one


def cuda_device_name(index: int = 0) -> str:
    runtime = _runtime()
    if runtime is None:
        return "stand-in device"
    name = runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else name


def cuda_synchronize() -> None:
    """Wait until the GPU has finished all queued work (CuPy launches kernels asynchronously)."""
    runtime = _runtime()
    if runtime is not None:
        runtime.deviceSynchronize()


def cuda_pool_bytes(kind: str) -> int:
    """Bytes of CuPy's memory pool: 'allocated' (held by arrays) or 'reserved' (taken from the GPU); 0 for a
    stand-in namespace."""
    get_pool = getattr(namespace("cuda"), "get_default_memory_pool", None)
    if get_pool is None:
        return 0
    pool = get_pool()
    return int(pool.used_bytes() if kind == "allocated" else pool.total_bytes())


def cuda_free_cache() -> None:
    """Give the blocks CuPy's pools hold but no array uses back to the GPU (torch.cuda.empty_cache)."""
    xp = namespace("cuda")
    for get_pool in (getattr(xp, "get_default_memory_pool", None), getattr(xp, "get_default_pinned_memory_pool", None)):
        if get_pool is not None:
            get_pool().free_all_blocks()


def cuda_device_properties(index: int = 0) -> dict:
    """The CUDA runtime's properties of GPU `index` (name, totalGlobalMem, major, minor, ...)."""
    runtime = _runtime()
    if runtime is None:
        return {"name": b"stand-in device", "totalGlobalMem": 0, "major": 0, "minor": 0, "multiProcessorCount": 0}
    return runtime.getDeviceProperties(index)


def cuda_mem_info() -> "tuple[int, int]":
    """(free, total) bytes of the current GPU, as the CUDA runtime counts them."""
    runtime = _runtime()
    return (0, 0) if runtime is None else tuple(int(v) for v in runtime.memGetInfo())


def cuda_event(enable_timing: bool, blocking: bool):
    """A CUDA event of CuPy's (record, synchronize, query, elapsed_time via `cuda_elapsed_ms`)."""
    return namespace("cuda").cuda.Event(block=blocking, disable_timing=not enable_timing)


def cuda_elapsed_ms(start, end) -> float:
    return float(namespace("cuda").cuda.get_elapsed_time(start, end))


def quiet_state() -> "tuple[Callable, Callable, Callable, object]":
    """(get, set, reset, QUIET): NumPy's floating-point error state, and the state with every warning off.

    `token = set(QUIET)` ... `reset(token)` silences NumPy's RuntimeWarnings for inf/nan results
    (log(0), 1/0, overflow), which PyTorch computes silently; `get() is QUIET` says they are off
    already. The user's own settings hold outside. NumPy >= 2 keeps the state in a context
    variable (setting it is ~10x cheaper than `numpy.errstate`); older NumPy goes through seterr.
    One QUIET for every caller: the engine sets it once for a whole backward, and each op then sees it.
    """
    return _QUIET_STATE


def quiet_run() -> Callable:
    """`run(fn, *args, **kwargs)`: fn(*args, **kwargs) with NumPy's floating-point warnings off, at a third of
    the cost of `set` and `reset`: it enters a context made once with QUIET set (contextvars.Context.run), so
    code it calls sees no other context variable the caller set. A context is entered by one thread at a
    time: while another thread is inside, run raises RuntimeError before calling fn (`entered_elsewhere`)."""
    return _QUIET_RUN


def entered_elsewhere(e: RuntimeError) -> bool:
    """Whether `e` is quiet_run's refusal to enter its context (another thread is inside it)."""
    return str(e).startswith("cannot enter context")


def quietly(fn: Callable, *args, **kwargs):
    """fn(*args, **kwargs) with NumPy's floating-point warnings off, from any thread (quiet_run, else the
    state set and reset), as PyTorch makes inf and nan silently (a cast of 1e308 to float32, ...)."""
    try:
        return _QUIET_RUN(fn, *args, **kwargs)
    except RuntimeError as e:
        if not entered_elsewhere(e):
            raise
    get, set_, reset, quiet = _QUIET_STATE
    token = set_(quiet)
    try:
        return fn(*args, **kwargs)
    finally:
        reset(token)


def _make_quiet_state():
    try:
        from numpy._core._ufunc_config import _extobj_contextvar as state
    except ImportError:  # pragma: no cover - older NumPy
        def run(fn, *args, **kwargs):
            with numpy.errstate(all="ignore"):
                return fn(*args, **kwargs)
        return ((lambda: None), (lambda quiet: numpy.seterr(**quiet)), (lambda old: numpy.seterr(**old)),
                {"all": "ignore"}), run
    with numpy.errstate(all="ignore"):
        quiet = state.get()
    context = contextvars.Context()
    context.run(state.set, quiet)
    return (state.get, state.set, state.reset, quiet), context.run


_QUIET_STATE, _QUIET_RUN = _make_quiet_state()


def asarray(data, dtype=None, device: "str | None" = None, copy: "bool | None" = None):
    """An array on `device` (default: where `data` lives, else cpu) from nested lists, scalars or arrays."""
    if device is None:
        device = device_of(data) if is_array(data) else "cpu"
    elif device == "cpu" and is_array(data) and device_of(data) != "cpu":
        data, copy = to_host(data), False  # to_host copied already
    xp = namespace(device)
    if dtype is not None:  # a cast: out of range gives inf, silently as in PyTorch
        return quietly(xp.array, data, dtype=dtype, copy=True) if copy else quietly(xp.asarray, data, dtype=dtype)
    if copy:
        return xp.array(data, copy=True)
    return xp.asarray(data)


def expand(a: Array, shape: tuple) -> Array:
    """`a` broadcast to `shape` as a view that, as PyTorch's expand(), can be written through."""
    xp = ns(a)
    out = xp.broadcast_to(a, shape)
    if xp is numpy and a.flags.writeable:  # NumPy hands out broadcasts read-only
        out = numpy.lib.stride_tricks.as_strided(a, out.shape, out.strides, writeable=True)
    return out


def writable(base: Array, view: Array) -> Array:
    """`view` of `base` (NumPy's diagonal hands them out read-only) as one that, as PyTorch's views, writes through."""
    if ns(view) is numpy and not view.flags.writeable and base.flags.writeable:  # (CuPy's views always write)
        view.flags.writeable = True  # allowed: the memory it shows is writable
    return view


def overlaps(a: Array) -> bool:
    """Whether two elements of `a` share one memory location (a stride 0 along a dimension of size > 1)."""
    return any(s == 0 and n > 1 for s, n in zip(a.strides, a.shape))


def deepcopy_sharing(a: Array, memo: dict) -> Array:
    """A copy of `a` for copy.deepcopy: arrays sharing memory in the original share it in the copy, as
    PyTorch's deepcopy shares a copied storage. `memo` (deepcopy's) maps each memory owner to its copy."""
    root = a
    while is_array(root.base):
        root = root.base
    if not isinstance(root, numpy.ndarray):
        return a.copy()  # a device array: its own copy
    key = ("array memory", id(root))
    new_root = memo.get(key)
    if new_root is None:
        new_root = memo[key] = root.copy(order="K")  # same layout, so each view's offset and strides still hold
        memo.setdefault(id(memo), []).append(root)  # as deepcopy does: keep the original alive while its id is a key
    if root is a:
        return new_root
    return numpy.ndarray(a.shape, a.dtype, buffer=new_root, offset=a.ctypes.data - root.ctypes.data,
                         strides=a.strides)


# Device types whose reductions over leading axes run as a matrix product: CuPy's sum(axis=0) of a tall
# array is ~35x slower than cuBLAS's ones(B) @ h (issue 12). NumPy's own sum is left as it is.
_GEMM_REDUCE = {"cuda"}


def sum_leading_by_matmul(xp, a, k, keepdims=False):
    """The sum of `a` over its first `k` axes, computed as ones(M) @ a.reshape(M, N) (a cuBLAS GEMV on CuPy)."""
    lead = math.prod(a.shape[:k])
    rest = a.shape[k:]
    out = _ones_vector(xp, lead, a) @ a.reshape(lead, math.prod(rest))
    return out.reshape((1,) * k + rest if keepdims else rest)


def _ones_vector(xp, n, like):
    """ones(n) of `like`'s dtype on its device, kept: a training loop sums the same batch size every step, and
    a fresh vector costs an allocation and a fill kernel each time."""
    key = (n, like.dtype, getattr(getattr(like, "device", None), "id", None), xp)
    v = _ONES_VECTORS.get(key)
    if v is None:
        if len(_ONES_VECTORS) >= 16:  # a few batch sizes at a time: forget the oldest
            del _ONES_VECTORS[next(iter(_ONES_VECTORS))]
        v = _ONES_VECTORS[key] = xp.ones(n, dtype=like.dtype)
    return v


_ONES_VECTORS = {}  # (length, dtype, device id, namespace) -> a ones vector never handed out


def sum_axes(a, axes, keepdims=False, dtype=None):
    """a.sum(axis=axes, keepdims=keepdims, dtype=dtype) (`axes` None: all); on a GPU, sums over leading axes
    of float32/64 data go through `sum_leading_by_matmul`."""
    k = a.ndim if axes is None else len(axes)
    if (_DEVICE.get(type(a)) in _GEMM_REDUCE and k and (axes is None or axes == tuple(range(k)))
            and a.dtype.kind == "f"
            and a.dtype.itemsize >= 4 and (dtype is None or dtype == a.dtype)):
        return sum_leading_by_matmul(ns(a), a, k, keepdims)
    return a.sum(axis=axes, keepdims=keepdims, dtype=dtype)


def logaddexp_accumulate(a: Array, axis: int) -> Array:
    """log(exp(a_0) + ... + exp(a_i)) along `axis`, added in order as NumPy's logaddexp.accumulate (CuPy has
    no accumulate for it: there, one logaddexp per step along the axis)."""
    xp = ns(a)
    if xp is numpy:
        return numpy.logaddexp.accumulate(a, axis=axis)
    out = xp.moveaxis(a.copy(), axis, 0)  # a view of the copy, steps along its first axis
    for i in range(1, out.shape[0]):
        out[i] = xp.logaddexp(out[i - 1], out[i])
    return xp.moveaxis(out, 0, axis)


def to_host(a):
    """A NumPy array with the values of `a` (copied from the device where it lives elsewhere)."""
    return a if isinstance(a, numpy.ndarray) else a.get()


def scatter_add(target: Array, index: Any, values: Array) -> Array:
    """target[index] += values, summing where `index` repeats (index_put_ with accumulate)."""
    _DEVICES[device_of(target)][2](target, index, values)
    return target


def special(name: str, host_fn: Callable[[float], float], a: Array, *args) -> Array:
    """A special function elementwise, named as in scipy.special (`args` before the array, as polygamma's n):
    CuPy's own on a GPU (trigamma: the device's kernel, as ATen computes it); NumPy has none, so `host_fn` of
    Python floats on host values."""
    xp = ns(a)
    kernels = _FUSED.get(type(a))
    if name == "polygamma" and args == (1,) and kernels is not None:  # CuPy's trigamma is off by ~5e-10
        out = kernels.trigamma(a)
        if out is not None:
            return out
    if getattr(xp, "__name__", "") == "cupy":  # (its polygamma takes the order as an array too)
        out = getattr(importlib.import_module("cupyx.scipy.special"), name)(*(xp.asarray(v) for v in args), a)
        return out.astype(a.dtype, copy=False)
    host = to_host(a)
    out = numpy.asarray(numpy.frompyfunc(host_fn, 1, 1)(host), dtype=host.dtype)
    return out if isinstance(a, numpy.ndarray) else asarray(out, device=device_of(a))


def erf(a: Array) -> Array:
    """The error function elementwise (math.erf on the host)."""
    return special("erf", math.erf, a)


def random_state(seed: Optional[int] = None) -> numpy.random.Generator:
    """The host random generator: values are drawn on the CPU, then moved, so every device sees the same."""
    return numpy.random.default_rng(seed)


def mt19937(seed32: int) -> numpy.random.MT19937:
    """The host 32-bit Mersenne Twister seeded as `std::mt19937(seed32)` (PyTorch's CPU generator engine).

    Its `random_raw(n)` gives the next n 32-bit outputs; its `state` holds the 624 words and the position."""
    bit_generator = numpy.random.MT19937()
    bit_generator._legacy_seeding(seed32)
    return bit_generator


# dtype handles of the host library; dtypes.py maps them to torch-like dtype objects (CuPy shares them)
float32, float64, int64, int32, bool_, float16, uint8 = (numpy.float32, numpy.float64, numpy.int64,
                                                           numpy.int32, numpy.bool_, numpy.float16, numpy.uint8)
int16, int8 = numpy.int16, numpy.int8
host_dtype = numpy.dtype
promote_types = numpy.promote_types
finfo = numpy.finfo
iinfo = numpy.iinfo
