"""torch.backends.cuda: whether this install can use a GPU (CuPy's), and the matmul precision flags."""
from types import SimpleNamespace

from .. import backend as B

matmul = SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                         allow_bf16_reduced_precision_reduction=True)


def is_built() -> bool:
    """True where CuPy finds a GPU (PyTorch: whether it was built with CUDA)."""
    return B.cuda_device_count() > 0
