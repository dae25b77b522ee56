"""torch.cuda's memory, property, timing and stream functions on a machine without a GPU: what PyTorch's CPU
build answers, or the exception it raises (type and first line); a program that prints memory use or guards
with is_available() runs as under PyTorch. tests/gpu/test_cuda_api_gpu.py checks them on a GPU."""
import warnings

import pytest

import autograd_widgets as aw
from autograd_widgets import backend as B

pytestmark = pytest.mark.skipif(B.cuda_device_count() > 0, reason="these are the answers without a GPU")

CALLS = {
    "empty_cache()": lambda T: T.cuda.empty_cache(),
    "memory_allocated()": lambda T: T.cuda.memory_allocated(),
    "memory_allocated(0)": lambda T: T.cuda.memory_allocated(0),
    "memory_allocated('cuda:0')": lambda T: T.cuda.memory_allocated("cuda:0"),
    "max_memory_allocated()": lambda T: T.cuda.max_memory_allocated(),
    "memory_reserved()": lambda T: T.cuda.memory_reserved(),
    "max_memory_reserved()": lambda T: T.cuda.max_memory_reserved(),
    "memory_cached()": lambda T: T.cuda.memory_cached(),
    "reset_peak_memory_stats()": lambda T: T.cuda.reset_peak_memory_stats(),
    "reset_max_memory_allocated()": lambda T: T.cuda.reset_max_memory_allocated(),
    "is_bf16_supported()": lambda T: T.cuda.is_bf16_supported(),
    "get_device_properties(0)": lambda T: T.cuda.get_device_properties(0),
    "get_device_capability()": lambda T: T.cuda.get_device_capability(),
    "mem_get_info()": lambda T: T.cuda.mem_get_info(),
    "set_device(0)": lambda T: T.cuda.set_device(0),
    "Event(enable_timing=True)": lambda T: T.cuda.Event(enable_timing=True),
    "Stream()": lambda T: T.cuda.Stream(),
    "with device(0)": lambda T: T.cuda.device(0).__enter__(),
    "is_initialized()": lambda T: T.cuda.is_initialized(),
    "init()": lambda T: T.cuda.init(),
    "seed()": lambda T: T.cuda.seed(),
    "current_device()": lambda T: T.cuda.current_device(),
    "synchronize()": lambda T: T.cuda.synchronize(),
}


def _outcome(T, call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("returns", call(T))
        except Exception as e:
            result = ("raises", type(e), str(e).split("\n\n[autograd_widgets]")[0])
    return result, sorted((w.category.__name__, str(w.message).splitlines()[0]) for w in caught
                          if issubclass(w.category, FutureWarning))


@pytest.mark.parametrize("name", sorted(CALLS))
def test_answers_and_errors_as_pytorchs_cpu_build(name):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("PyTorch here has a GPU")
    assert _outcome(aw, CALLS[name]) == _outcome(torch, CALLS[name])


def test_without_pytorch_the_answers_are_the_cpu_builds():
    assert [aw.cuda.memory_allocated(), aw.cuda.memory_reserved(), aw.cuda.max_memory_allocated()] == [0, 0, 0]
    assert aw.cuda.empty_cache() is None and aw.cuda.is_bf16_supported() is False
    with pytest.raises(RuntimeError, match="Tried to instantiate dummy base class Event") as e:
        aw.cuda.Event(enable_timing=True)
    assert "[autograd_widgets]" in str(e.value) and "is_available()" in str(e.value)
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        aw.cuda.get_device_properties(0)


def test_a_memory_report_loop_runs():
    """A tutorial's helper, as written for PyTorch: prints zeros without a GPU."""
    def report(T):
        return (f"allocated {T.cuda.memory_allocated() / 2 ** 20:.1f} MB, "
                f"reserved {T.cuda.memory_reserved() / 2 ** 20:.1f} MB")
    assert report(aw) == "allocated 0.0 MB, reserved 0.0 MB"
