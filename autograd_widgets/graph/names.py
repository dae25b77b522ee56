"""Tensors' variable names in the running notebook (IPython's user namespace).

A model bound to a name (`model = Net()`, this core's or PyTorch's) names its parameters by
their path in it (`fc1.weight`, `0.bias`); a tensor bound to a name of its own keeps that name.
"""
from .details import is_module, is_tensor, parameter_names


def _user_namespace():
    """IPython's user namespace (public names), [] outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return []
    ip = get_ipython()
    if ip is None:
        return []
    return [(name, value) for name, value in list(ip.user_ns.items()) if not name.startswith("_")]


def notebook_models():
    """The models bound to public names in IPython, in the namespace's order; [] outside IPython."""
    return [value for _, value in _user_namespace() if not is_tensor(value) and is_module(value)]


def notebook_tensors():
    """{id(tensor): (name, tensor)} for the tensors bound to public names in IPython, and the parameters of
    the models bound to public names; {} outside IPython."""
    found, models = {}, []
    for name, value in _user_namespace():
        if is_tensor(value):
            found.setdefault(id(value), (name, value))
        elif is_module(value):
            models.append(value)
    for model in models:
        for key, named in parameter_names(model).items():
            found.setdefault(key, named)
    return found
