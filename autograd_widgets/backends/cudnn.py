"""torch.backends.cudnn: the flags scripts set for speed or reproducibility, kept as set (no cuDNN here)."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def version():
    return None
