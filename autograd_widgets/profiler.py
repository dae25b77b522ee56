"""torch.profiler: the profiler of torch.autograd.profiler under its newer name (CPU activity only)."""
from .autograd.profiler import ProfilerActivity, profile, record_function  # noqa: F401
