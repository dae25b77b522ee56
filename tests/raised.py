"""What a call raises, in the form tests compare with PyTorch's: (type, PyTorch's words without our explanation)."""


def raised(fn):
    """(exception type, message before the "[autograd_widgets]" explanation), or None if `fn()` raises nothing."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is part of what is compared
        return type(e), str(e).split("\n\n[autograd_widgets]")[0]
    return None
