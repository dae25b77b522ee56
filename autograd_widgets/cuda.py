"""torch.cuda: whether a GPU can hold tensors. Loaded on first use of `torch.cuda`; imports CuPy only if installed."""
from . import backend as B


def is_available():
    """True where CuPy is installed and finds an NVIDIA GPU; then `device='cuda'` tensors live there."""
    return B.cuda_device_count() > 0


def device_count():
    return B.cuda_device_count()


def current_device():
    B.namespace("cuda")  # raises PyTorch's error without a GPU
    return 0


def get_device_name(device=None):
    B.namespace("cuda")
    return B.cuda_device_name(0)  # one GPU: 'cuda:0'


def synchronize(device=None):
    """Wait for the GPU's queued work; time GPU code only after this."""
    B.namespace("cuda")
    B.cuda_synchronize()


def manual_seed(seed):
    """Accepted and ignored, as PyTorch does without a GPU: 'cuda' tensors here take their random values
    from the CPU generator (torch.manual_seed), then move."""


manual_seed_all = manual_seed
