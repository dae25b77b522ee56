"""Whether ops record a graph: `no_grad`, `enable_grad`, `set_grad_enabled`."""
import functools


class GradMode:
    enabled = True


def is_grad_enabled():
    return GradMode.enabled


class _GradContext:
    """A context manager that is also a decorator, as PyTorch's grad-mode classes are."""
    mode = None

    def __enter__(self):
        self._prev = GradMode.enabled
        GradMode.enabled = self.mode

    def __exit__(self, *exc):
        GradMode.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._init_args()):
                return fn(*args, **kwargs)
        return wrapper

    def _init_args(self):
        return ()


class no_grad(_GradContext):
    """Ops inside record no graph; results don't require grad."""
    mode = False


class enable_grad(_GradContext):
    """Ops inside record a graph again, even within `no_grad`."""
    mode = True


class set_grad_enabled(_GradContext):
    """Set grad mode now (like PyTorch), and restore it when used as a context manager."""

    def __init__(self, mode):
        self._prev = GradMode.enabled
        self.mode = bool(mode)
        GradMode.enabled = self.mode

    def __enter__(self):
        pass

    def __call__(self, fn):
        GradMode.enabled = self._prev  # used as a decorator: the mode applies inside calls only
        return super().__call__(fn)

    def _init_args(self):
        return (self.mode,)


class inference_mode(no_grad):
    def __init__(self, mode=True):
        self.mode = not mode
