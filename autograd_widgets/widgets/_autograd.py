"""Which autograd a tensor belongs to (this core's or PyTorch's), so widgets work with both."""
import importlib


def module_of(t):
    """`torch` for a PyTorch tensor, else `autograd_widgets`."""
    return importlib.import_module("torch" if type(t).__module__.startswith("torch") else "autograd_widgets")


def as_list(x):
    return x.detach().cpu().numpy().tolist()
