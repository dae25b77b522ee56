"""torch.backends: what the training scripts of tutorials ask before they pick a device or set flags
(`torch.backends.mps.is_available()`, `torch.backends.cudnn.benchmark = True`). This package computes with
NumPy (CuPy on a GPU), so there is no cuDNN, MPS or oneDNN to switch: the answers are those of PyTorch's
CPU build on a machine without those, and the flags are kept as set.
"""
from . import cpu, cuda, cudnn, mps  # noqa: F401
