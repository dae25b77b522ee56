"""Tensors' variable names in the running notebook (IPython's user namespace).

A model bound to a name (`model = Net()`, this core's or PyTorch's) names its parameters by
their path in it (`fc1.weight`, `0.bias`); a tensor bound to a name of its own keeps that name.
"""
from .details import is_module, is_tensor, parameter_names


def notebook_tensors():
    """{id(tensor): (name, tensor)} for the tensors bound to public names in IPython, and the parameters of
    the models bound to public names; {} outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    ip = get_ipython()
    if ip is None:
        return {}
    found, models = {}, []
    for name, value in list(ip.user_ns.items()):
        if name.startswith("_"):
            continue
        if is_tensor(value):
            found.setdefault(id(value), (name, value))
        elif is_module(value):
            models.append(value)
    for model in models:
        for key, named in parameter_names(model).items():
            found.setdefault(key, named)
    return found
