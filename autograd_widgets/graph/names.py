"""Tensors' variable names in the running notebook (IPython's user namespace)."""
from .details import is_tensor


def notebook_tensors():
    """{id(tensor): (name, tensor)} for the tensors bound to public names in IPython; {} outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    ip = get_ipython()
    if ip is None:
        return {}
    found = {}
    for name, value in list(ip.user_ns.items()):
        if not name.startswith("_") and is_tensor(value):
            found.setdefault(id(value), (name, value))
    return found
