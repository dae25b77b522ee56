"""Tests that need a real GPU (CuPy finding a device). Without one only test_gpu_present.py is collected,
and it reports the rest as skipped: nothing here counts as passing on a machine that cannot run it."""
from autograd_widgets import backend as B

if B.cuda_device_count() == 0:
    collect_ignore = ["test_cupy_suite.py", "test_cuda_vs_pytorch.py", "test_cuda_optim.py", "test_cuda_kernels.py",
                      "test_cuda_api_gpu.py"]
