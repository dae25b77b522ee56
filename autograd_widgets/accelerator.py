"""torch.accelerator: the device-neutral questions current tutorials open with.

This engine's accelerator is CUDA through CuPy; without it the answers are PyTorch's on a
machine with none (is_available() False, current_accelerator() None, device_count() 0).
"""
from . import backend as B
from . import errors
from .device import device


def is_available():
    return B.cuda_device_count() > 0


def device_count():
    return B.cuda_device_count()


def current_accelerator(check_available=False):
    """device('cuda') where a GPU serves tensors, else None."""
    if not is_available():
        return None
    return device("cuda")


def _require():
    if not is_available():
        raise errors.runtime("Cannot access accelerator device when none is available.",
                             "This machine has no accelerator (CuPy with an NVIDIA GPU); use device='cpu'.")


def current_device_index():
    _require()
    return 0


def set_device_index(device):
    _require()


current_device_idx, set_device_idx = current_device_index, set_device_index


def synchronize(device=None):
    _require()
    B.cuda_synchronize()


def __getattr__(name):
    raise errors.not_supported(f"torch.accelerator.{name}")
