"""torch.cuda: whether a GPU can hold tensors, its memory, properties and timing events. Loaded on first use of
`torch.cuda`; imports CuPy only if installed. Without a GPU every function answers or raises as PyTorch's CPU
build does; with one, CuPy's memory pool and the CUDA runtime answer."""
import warnings

from . import backend as B
from . import errors

_NO_GPU = ("There is no GPU here (autograd_widgets runs 'cuda' tensors on CuPy with an NVIDIA GPU): keep tensors "
           "on the CPU, or guard GPU code with `if torch.cuda.is_available():`.")


def is_available():
    """True where CuPy is installed and finds an NVIDIA GPU; then `device='cuda'` tensors live there."""
    return B.cuda_device_count() > 0


def device_count():
    return B.cuda_device_count()


def is_initialized():
    """Whether 'cuda' tensors have been made ready (CuPy loaded and a GPU found)."""
    return is_available()


def init():
    B.namespace("cuda")  # raises PyTorch's error without a GPU


def current_device():
    B.namespace("cuda")  # raises PyTorch's error without a GPU
    return 0


def _index(device):
    """The GPU index `device` names (None, an int, 'cuda', 'cuda:0', a torch.device)."""
    if device is None:
        return 0
    if isinstance(device, int):
        index = device
    else:
        text = str(device)
        kind, _, number = text.partition(":")
        if kind != "cuda":
            raise errors.value(f"Expected a cuda device, but got: {text}",
                               "torch.cuda's functions take a GPU: 'cuda', 'cuda:0' or its index.")
        index = int(number) if number else 0
    if index < 0 or index >= max(1, device_count()):
        raise errors.runtime("Invalid device argument : did you call init?",
                             f"There is no GPU {index} here; torch.cuda.device_count() is {device_count()}.")
    return index


def get_device_name(device=None):
    B.namespace("cuda")
    return B.cuda_device_name(_index(device))


def get_device_capability(device=None):
    """(major, minor) compute capability: (9, 0) for an H100 or H200."""
    props = get_device_properties(device)
    return props.major, props.minor


class _CudaDeviceProperties:
    """What torch.cuda.get_device_properties(i) gives: name, total_memory (bytes), major, minor,
    multi_processor_count."""

    def __init__(self, raw):
        name = raw["name"]
        self.name = name.decode() if isinstance(name, bytes) else name
        self.total_memory = int(raw["totalGlobalMem"])
        self.major, self.minor = int(raw["major"]), int(raw["minor"])
        self.multi_processor_count = int(raw["multiProcessorCount"])

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // 2 ** 20}MB, multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None):
    B.namespace("cuda")
    return _CudaDeviceProperties(B.cuda_device_properties(_index(device)))


def is_bf16_supported(including_emulation=True):
    """As PyTorch answers: a GPU of compute capability 8.0 or more computes in bfloat16 (this package has no
    bfloat16 dtype yet)."""
    return is_available() and get_device_capability()[0] >= 8


def mem_get_info(device=None):
    """(free, total) bytes of the GPU's memory, as the CUDA runtime counts them."""
    B.namespace("cuda")
    _index(device)
    return B.cuda_mem_info()


def set_device(device):
    """Only GPU 0 holds 'cuda' tensors here: set_device(0) is accepted."""
    if not is_available():
        raise AttributeError(errors._explain("module 'torch._C' has no attribute '_cuda_setDevice'", _NO_GPU))
    if _index(device) != 0:
        raise errors.runtime(f"autograd_widgets runs 'cuda' tensors on GPU 0 only, not GPU {_index(device)}",
                             "Use device='cuda' (GPU 0).")


def synchronize(device=None):
    """Wait for the GPU's queued work; time GPU code only after this."""
    B.namespace("cuda")
    B.cuda_synchronize()


# --- memory: CuPy's pool. PyTorch's CPU build answers 0 for each of these.
def memory_allocated(device=None):
    """Bytes held by tensors on the GPU (CuPy's pool: in use)."""
    return B.cuda_pool_bytes("allocated") if _gpu(device) else 0


def memory_reserved(device=None):
    """Bytes taken from the GPU by the caching allocator (CuPy's pool: in use and cached)."""
    return B.cuda_pool_bytes("reserved") if _gpu(device) else 0


def memory_cached(device=None):
    warnings.warn("`torch.cuda.memory_cached` has been renamed to `torch.cuda.memory_reserved`", FutureWarning,
                  stacklevel=2)
    return memory_reserved(device)


def max_memory_allocated(device=None):
    return _peak(device, "max_memory_allocated")


def max_memory_reserved(device=None):
    return _peak(device, "max_memory_reserved")


def _peak(device, name):
    if not _gpu(device):
        return 0
    raise errors.runtime(f"torch.cuda.{name}() is not available: autograd_widgets keeps no peak statistics of "
                         "CuPy's memory pool",
                         "Read torch.cuda.memory_allocated() (or memory_reserved()) at the point you want measured.")


def reset_peak_memory_stats(device=None):
    if not _gpu(device):
        raise AttributeError(errors._explain("module 'torch._C' has no attribute '_cuda_resetPeakMemoryStats'",
                                             _NO_GPU))
    # no peak statistics are kept (max_memory_allocated says so): nothing to reset


def reset_max_memory_allocated(device=None):
    warnings.warn("torch.cuda.reset_max_memory_allocated now calls torch.cuda.reset_peak_memory_stats, which resets "
                  "/all/ peak memory stats.", FutureWarning, stacklevel=2)
    reset_peak_memory_stats(device)


def empty_cache():
    """Give the GPU memory CuPy's pools cache but no tensor uses back to the GPU (a no-op without a GPU)."""
    if is_available():
        B.cuda_free_cache()


def _gpu(device):
    if not is_available():
        return False
    _index(device)
    return True


# --- timing and streams
class Event:
    """A CUDA event: `record()` it on the GPU's queue, `synchronize()`, then `start.elapsed_time(end)` in ms."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        if not is_available():
            raise errors.runtime("Tried to instantiate dummy base class Event", _NO_GPU)
        self._event = B.cuda_event(enable_timing, blocking)

    def record(self, stream=None):
        self._event.record()

    def synchronize(self):
        self._event.synchronize()

    def query(self):
        return bool(self._event.done)

    def elapsed_time(self, end_event):
        return B.cuda_elapsed_ms(self._event, end_event._event)

    def wait(self, stream=None):
        self._event.synchronize()  # one stream: waiting for the event is waiting on the host


class Stream:
    def __init__(self, device=None, priority=0, **kwargs):
        if not is_available():
            raise errors.runtime("torch.cuda.Stream requires CUDA support", _NO_GPU)
        raise errors.runtime("autograd_widgets runs every GPU op on CuPy's current stream: torch.cuda.Stream is "
                             "not offered", "Leave the stream out; GPU work runs in order on one stream.")


class device:
    """`with torch.cuda.device(0):` — GPU 0 is the only one 'cuda' tensors use here."""

    def __init__(self, device):
        self.idx = device

    def __enter__(self):
        if not is_available():
            raise errors.runtime("PyTorch was compiled without CUDA support", _NO_GPU)
        set_device(self.idx)
        return self

    def __exit__(self, *exc):
        return False


def manual_seed(seed):
    """Accepted and ignored, as PyTorch does without a GPU: 'cuda' tensors here take their random values
    from the CPU generator (torch.manual_seed), then move."""


manual_seed_all = manual_seed


def seed():
    """Accepted and ignored, as PyTorch does without a GPU (see manual_seed)."""


seed_all = seed


def __getattr__(name):
    if name == "amp":  # torch.cuda.amp: loaded on first use (it imports this module)
        from .amp import cuda_amp
        return cuda_amp
    raise AttributeError(f"module 'torch.cuda' has no attribute '{name}'")
