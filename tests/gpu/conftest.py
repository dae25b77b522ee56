"""Tests that need a real GPU (CuPy finding a device). Without one only test_gpu_present.py is collected,
and it reports the rest as skipped: nothing here counts as passing on a machine that cannot run it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests/: op_cases and friends

from autograd_widgets import backend as B  # noqa: E402

if B.cuda_device_count() == 0:
    collect_ignore = ["test_cupy_suite.py", "test_cuda_vs_pytorch.py", "test_cuda_optim.py"]
