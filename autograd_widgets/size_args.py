"""Sizes given to factories and shape methods ("tuple of ints" in PyTorch's signatures), read as PyTorch reads them.

zeros(2, 3), zeros((2, 3)) and zeros(size=(2, 3)) all mean (2, 3); an int-like value is a Python int (not a
bool), a NumPy integer or a one-element integer tensor. PyTorch looks at the first number to tell a size from
something else, so a bad first number and a bad later one are refused in different words, kept here verbatim.
"""
from . import errors
from .errors import type_name

_WHY = "A size is whole numbers: one per dimension (2.0 or 2.5 is no size; int(n) makes one)."


def _tensor_int(value) -> bool:
    return value.numel() == 1 and value.dtype.array_dtype.kind in "iu"


def int_like(value) -> bool:
    """Whether `value` may open a size: an int but not a bool (a one-element integer tensor too)."""
    if type(value) is int:
        return True
    if isinstance(value, bool) or type_name(value) in ("numpy.bool", "numpy.bool_"):
        return False
    if hasattr(value, "_data"):
        return _tensor_int(value)
    return hasattr(value, "__index__")


def int_arg(name: str, param: str, value, position: int) -> int:
    """`value` as an int where PyTorch's signature says `int <param>` (not a bool, not a float)."""
    if type(value) is int:
        return value
    if int_like(value):
        return int(value.item()) if hasattr(value, "_data") else value.__index__()
    raise errors.type_error(f"{name}(): argument '{param}' (position {position}) must be int, not {type_name(value)}",
                            "A count or a dimension is a whole number (int(n) makes one).")


def _unpacked(name: str, param: str, values) -> tuple:
    """Each of `values` as an int; after the first, a bool counts as 0 or 1 (as in PyTorch)."""
    out = []
    for pos, v in enumerate(values, 1):
        if type(v) is int or isinstance(v, bool) or int_like(v):
            out.append(int(v.item()) if hasattr(v, "_data") else v.__index__())
        else:
            raise errors.type_error(f"{name}(): argument '{param}' failed to unpack the object at pos {pos} with "
                                    f'error "type must be tuple of ints,but got {type_name(v)}"', _WHY)
    return tuple(out)


def _sequence_opens(value) -> bool:
    return isinstance(value, (tuple, list)) and (not value or int_like(value[0]))


def _plain_ints(args: tuple, varargs: bool):
    """The usual size, Python ints loose or in one tuple, checked cheaply (shape ops call this on every view);
    None for anything else."""
    if len(args) == 1 and isinstance(args[0], tuple):
        args = args[0]
    elif not varargs:
        return None
    for a in args:
        if type(a) is not int:
            return None
    return tuple(args)


def sizes(name: str, args: tuple, param: str = "size", position: int = 1, varargs: bool = True) -> tuple:
    """The ints of a size given positionally as `args` (several numbers, or one number, tuple, list or Size).

    `name`/`param`/`position`: the function, its argument and the argument's place, for PyTorch's words;
    `varargs`: whether the numbers may come loose (zeros(2, 3)) rather than only as one sequence."""
    plain = _plain_ints(args, varargs)
    if plain is not None:
        return plain
    if len(args) > 1:
        if varargs and int_like(args[0]):
            return _unpacked(name, param, args)
        raise errors.type_error(f"{name}() takes {position} positional argument but {position + len(args) - 1} "
                                "were given", _WHY)
    value = args[0]
    if _sequence_opens(value):
        return _unpacked(name, param, value)
    if isinstance(value, (tuple, list)):
        raise errors.type_error(f"{name}(): argument '{param}' (position {position}) must be tuple of ints, but "
                                f"found element of type {type_name(value[0])} at pos 0", _WHY)
    if varargs and int_like(value):
        return _unpacked(name, param, (value,))
    raise errors.type_error(f"{name}(): argument '{param}' (position {position}) must be tuple of ints, not "
                            f"{type_name(value)}", _WHY)


def keyword_size(name: str, value, param: str = "size") -> tuple:
    """The ints of a size given as a keyword (zeros(size=(2, 3))): only a sequence, not a lone number."""
    if _sequence_opens(value):
        return _unpacked(name, param, value)
    raise errors.type_error(f"{name}(): argument '{param}' must be tuple of ints, not {type_name(value)}", _WHY)


def described(value) -> str:
    """A value's type as PyTorch lists it in "invalid combination" messages: 'tuple of (float, int)'."""
    names = ", ".join(type_name(v) for v in value) if isinstance(value, (tuple, list)) else ""
    if isinstance(value, tuple):
        return f"tuple of ({names}{',' if len(value) == 1 else ''})"
    return f"list of [{names}]" if isinstance(value, list) else type_name(value)


def view_sizes(args: tuple) -> tuple:
    """The ints of Tensor.view's size: as `sizes`, but view also takes a dtype, so PyTorch words a wrong size
    as a call matching neither view(dtype) nor view(size)."""
    plain = _plain_ints(args, True)
    if plain is not None:
        return plain
    if len(args) == 1 and not _sequence_opens(args[0]) and not int_like(args[0]):
        got = described(args[0])
        why = f"\n      didn't match because some of the arguments have invalid types: (!{got}!)"
        raise errors.type_error(f"view() received an invalid combination of arguments - got "
                                f"({type_name(args[0])}), but expected one of:\n * (torch.dtype dtype){why}\n"
                                f" * (tuple of ints size){why}\n", _WHY)
    if len(args) > 1 and not int_like(args[0]):
        got = ", ".join("torch.dtype" if type_name(a) == "dtype" else type_name(a) for a in args)
        raise errors.type_error(f"view() received an invalid combination of arguments - got ({got}), but expected "
                                "one of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n", _WHY)
    return sizes("view", args)
