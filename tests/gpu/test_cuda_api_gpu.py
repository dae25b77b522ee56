"""On a GPU with PyTorch CUDA: torch.cuda's properties, memory figures and events answer as PyTorch's do (memory
from CuPy's pool, which is not PyTorch's: only its direction and bounds are compared)."""
import numpy as np
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs PyTorch CUDA")


def test_device_properties_and_capability_are_pytorchs():
    ours, theirs = aw.cuda.get_device_properties(0), torch.cuda.get_device_properties(0)
    for field in ("name", "total_memory", "major", "minor", "multi_processor_count"):
        assert getattr(ours, field) == getattr(theirs, field), field
    assert aw.cuda.get_device_capability() == torch.cuda.get_device_capability()
    assert aw.cuda.get_device_name("cuda:0") == torch.cuda.get_device_name(0)
    assert aw.cuda.is_bf16_supported() == torch.cuda.is_bf16_supported()
    assert aw.cuda.mem_get_info()[1] == torch.cuda.mem_get_info()[1]


def test_memory_allocated_follows_tensors_and_empty_cache_returns_blocks():
    aw.cuda.empty_cache()
    before = aw.cuda.memory_allocated()
    x = aw.ones(1 << 20, device="cuda")  # 4 MiB of float32
    assert aw.cuda.memory_allocated() - before >= 4 << 20
    assert aw.cuda.memory_reserved() >= aw.cuda.memory_allocated()
    del x
    assert aw.cuda.memory_allocated() - before < 4 << 20
    reserved = aw.cuda.memory_reserved()
    aw.cuda.empty_cache()
    assert aw.cuda.memory_allocated() <= aw.cuda.memory_reserved() <= reserved


def test_events_time_gpu_work():
    start, end = aw.cuda.Event(enable_timing=True), aw.cuda.Event(enable_timing=True)
    a = aw.tensor(np.random.default_rng(0).standard_normal((2048, 2048)), device="cuda", dtype=aw.float32)
    start.record()
    for _ in range(5):
        a = a @ a / 2048
    end.record()
    end.synchronize()
    assert end.query() and start.elapsed_time(end) > 0


def test_peaks_say_they_are_not_kept_and_other_gpus_are_refused():
    with pytest.raises(RuntimeError, match="keeps no peak statistics"):
        aw.cuda.max_memory_allocated()
    aw.cuda.set_device(0)
    with aw.cuda.device(0):
        assert aw.cuda.current_device() == 0
    with pytest.raises(RuntimeError, match="Invalid device argument"):
        aw.cuda.memory_allocated(aw.cuda.device_count())
