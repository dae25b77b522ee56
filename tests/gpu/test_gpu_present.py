"""Whether this machine can run tests/gpu/: CuPy must find a GPU (else the rest of the folder is not collected)."""
import pytest

import autograd_widgets as aw
from autograd_widgets import backend as B


def test_a_gpu_holds_cuda_tensors():
    if B.cuda_device_count() == 0:
        pytest.skip("tests/gpu/ needs CuPy and an NVIDIA GPU: the op suite on CuPy and the comparison with "
                    "PyTorch CUDA were not collected")
    x = aw.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    (x * x).sum().backward()
    assert type(x.grad._data) is B.namespace("cuda").ndarray and x.grad.tolist() == [2.0, 4.0]
