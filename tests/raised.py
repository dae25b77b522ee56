"""What a call raises, in the form tests compare with PyTorch's: (type, PyTorch's words without our explanation)."""


def words(e: Exception) -> str:
    """The message of `e` before the "[autograd_widgets]" explanation: PyTorch's words."""
    return str(e).split("\n\n[autograd_widgets]")[0]


def raised(fn):
    """(exception type, PyTorch's words), or None if `fn()` raises nothing."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is part of what is compared
        return type(e), words(e)
    return None


def outcome(fn):
    """fn()'s value, or what it raised as (type name, PyTorch's words): one comparable answer either way."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return type(e).__name__, words(e)
