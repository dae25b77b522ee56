"""Classes that print as their PyTorch twins: learners print `type(x)` and compare it with a tutorial."""


class TorchClass(type):
    """`<class 'torch.Tensor'>` for a class that names its twin in `_torch_path`; its subclasses (a user's
    own) print as Python prints them. The module path stays real, so pickling and imports are unchanged."""

    def __repr__(cls):
        path = cls.__dict__.get("_torch_path")
        return f"<class '{path}'>" if path else super().__repr__()
