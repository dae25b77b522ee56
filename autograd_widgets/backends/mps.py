"""torch.backends.mps: Apple's GPU backend, which this package has not."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
