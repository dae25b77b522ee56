"""Whether ops record a graph: `no_grad`, `enable_grad`, `set_grad_enabled`, `inference_mode`.

Each is a context manager and a decorator, bare (`@torch.no_grad`) or called (`@torch.no_grad()`),
of functions and of generator functions, as PyTorch's grad-mode classes are.
"""
import functools
import inspect
import threading


class _GradModeState(threading.local):
    """Per-thread grad mode, as PyTorch's: the class-level defaults are what a new thread starts with,
    and reading `GradMode.enabled` stays one attribute lookup (hot in Op.apply)."""
    enabled = True
    inference = False  # inside inference_mode(): read by is_inference_mode_enabled()


GradMode = _GradModeState()


def is_grad_enabled():
    return GradMode.enabled


def is_inference_mode_enabled():
    return GradMode.inference


class _GradContext:
    """A context manager that is also a decorator; subclasses (or instances) say which modes it sets."""
    mode = None       # grad mode inside; None: leave it as it is
    inference = None  # inference mode inside; None: leave it as it is

    def __enter__(self):
        self._prev = GradMode.enabled, GradMode.inference
        if self.mode is not None:
            GradMode.enabled = self.mode
        if self.inference is not None:
            GradMode.inference = self.inference

    def __exit__(self, *exc):
        GradMode.enabled, GradMode.inference = self._prev
        return False

    def clone(self):
        return self.__class__(*self._init_args())

    def _init_args(self):
        return ()

    def __call__(self, fn):
        if inspect.isclass(fn):
            raise RuntimeError("Torch grad mode decorators cannot be applied to classes; decorate its methods.")
        ctx_factory = self.clone
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def generator(*args, **kwargs):
                # As PyTorch: the mode holds while the generator runs, not between its yields.
                gen = fn(*args, **kwargs)
                try:
                    with ctx_factory():
                        response = gen.send(None)
                    while True:
                        try:
                            request = yield response
                        except GeneratorExit:
                            with ctx_factory():
                                gen.close()
                            raise
                        except BaseException as e:  # noqa: BLE001 - passed into the generator, as PyTorch does
                            with ctx_factory():
                                response = gen.throw(e)
                        else:
                            with ctx_factory():
                                response = gen.send(request)
                except StopIteration as e:
                    return e.value
            return generator

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with ctx_factory():
                return fn(*args, **kwargs)
        return wrapper


class _NoParamContext(_GradContext):
    """Usable bare: `@no_grad` applies `no_grad()` to the function."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamContext):
    """Ops inside record no graph; results don't require grad."""
    mode = False


class enable_grad(_NoParamContext):
    """Ops inside record a graph again, even within `no_grad`."""
    mode = True


class set_grad_enabled(_GradContext):
    """Set grad mode now (like PyTorch), and restore it when used as a context manager or decorator."""

    def __init__(self, mode):
        self._prev = GradMode.enabled, GradMode.inference
        self.mode = bool(mode)
        GradMode.enabled = self.mode

    def __enter__(self):
        pass

    def __call__(self, fn):
        GradMode.enabled = self._prev[0]  # used as a decorator: the mode applies inside calls only
        return super().__call__(fn)

    def clone(self):
        entering = _GradContext()  # not set_grad_enabled(mode): constructing one sets the mode at once
        entering.mode = self.mode
        return entering

    def __repr__(self):
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"


class inference_mode(_GradContext):
    """Like no_grad (results record no graph); `inference_mode(False)` turns grad mode on, as PyTorch's does."""

    def __new__(cls, mode_or_orig_func=True):
        if isinstance(mode_or_orig_func, bool) or mode_or_orig_func is None:
            return super().__new__(cls)
        return cls()(mode_or_orig_func)

    def __init__(self, mode=True):
        self._mode = bool(mode)
        self.mode, self.inference = not self._mode, self._mode  # as c10::InferenceMode: off turns grad mode on

    def _init_args(self):
        return (self._mode,)
