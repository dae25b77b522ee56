"""Classes that print as their PyTorch twins: learners print `type(x)` and compare it with a tutorial."""
import inspect


class TorchClass(type):
    """Prints a class as PyTorch prints its twin. `<class 'torch.Tensor'>` for a class that names it in
    `_torch_path` (its subclasses, a user's own, print as Python prints them); `<class 'AddBackward0'>` for
    a backward function made in C++ in PyTorch (`_cpp_class`). The module path stays real, so pickling,
    imports and reading the source are unchanged."""

    def __repr__(cls):
        path = cls.__dict__.get("_torch_path")
        if path is None and getattr(cls, "_cpp_class", False):
            path = cls.__qualname__
        return f"<class '{path}'>" if path else super().__repr__()

    def __dir__(cls):
        return visible(cls, super().__dir__())


def visible(cls, names):
    """`names` without a Tensor class's placeholders for PyTorch's names it lacks (unsupported.py)."""
    hidden = getattr(cls, "_unsupported_names", ())
    return [n for n in names if n not in hidden or not getattr(inspect.getattr_static(cls, n), "placeholder", False)]
