"""torch.testing.assert_close: whether two tensors (or numbers, or sequences and mappings of them) are close,
with PyTorch's default tolerances per dtype and its failure message (which elements, by how much, where)."""
import math
from collections.abc import Mapping, Sequence

from . import backend as B
from . import errors
from .tensor import Tensor

H = B.namespace("cpu")

# (rtol, atol) by dtype, as torch.testing's defaults; integers and bool compare exactly
_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


def _tolerances(dtypes, rtol, atol):
    if (rtol is None) != (atol is None):
        raise errors.value(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                           f"{'atol' if atol is None else 'rtol'}.", "Give both tolerances, or neither for the "
                           "defaults of the dtype.")
    if rtol is not None:
        return rtol, atol
    pairs = [_TOLERANCES.get(d, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _attribute_mismatch(name, a, b):
    return AssertionError(f"The values for attribute '{name}' do not match: {a} != {b}.")


def _number(x) -> bool:
    return isinstance(x, (bool, int, float, complex)) or isinstance(x, B.generic_scalar)


def _where(index):
    return f"({', '.join(str(int(i)) for i in index)}{',' if len(index) == 1 else ''})"


def _close(a, e, rtol, atol, equal_nan):
    diff = abs(a - e)
    ok = diff <= atol + rtol * abs(e)
    ok |= (a == e)  # infinities of one sign
    if equal_nan:
        ok |= H.isnan(a) & H.isnan(e)
    return ok, diff


def _compare_scalars(actual, expected, rtol, atol, equal_nan, where):
    rtol, atol = _tolerances(["float64"], rtol, atol)
    a, e = complex(actual) if isinstance(actual, complex) else float(actual), \
        complex(expected) if isinstance(expected, complex) else float(expected)
    if a == e or (equal_nan and a != a and e != e) or abs(a - e) <= atol + rtol * abs(e):
        return
    raise AssertionError(_scalar_message(actual, expected, rtol, atol, where))


def _scalar_message(actual, expected, rtol, atol, where, exact=False):
    diff = abs(actual - expected)
    rel = diff / abs(expected) if expected else math.inf
    if exact:
        head, lines = "Scalars are not equal!", [f"Absolute difference: {diff}", f"Relative difference: {rel}"]
    else:
        head, lines = "Scalars are not close!", [f"Absolute difference: {diff} (up to {atol} allowed)",
                                                  f"Relative difference: {rel} (up to {rtol} allowed)"]
    return "\n".join([head, "", f"Expected {expected} but got {actual}."] + lines) + where


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, check_device, where):
    if actual.shape != expected.shape:
        raise _attribute_mismatch("shape", actual.shape, expected.shape)
    if check_device and actual.device != expected.device:
        raise _attribute_mismatch("device", actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        raise _attribute_mismatch("dtype", actual.dtype, expected.dtype)
    a, e = B.to_host(actual._data), B.to_host(expected._data)
    rtol, atol = _tolerances([a.dtype.name, e.dtype.name], rtol, atol)
    exact = a.dtype.kind in "biu" and e.dtype.kind in "biu"
    if a.dtype != e.dtype:
        common = H.promote_types(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    if a.dtype.kind == "b":
        a, e = a.astype(H.int64), e.astype(H.int64)
    with H.errstate(all="ignore"):
        ok, diff = _close(a, e, rtol, atol, equal_nan)
        if ok.all():
            return
        if not a.ndim:
            raise AssertionError(_scalar_message(a.item(), e.item(), rtol, atol, where, exact))
        bad = int((~ok).sum())
        rel = (diff / abs(e)).astype(a.dtype if a.dtype.kind in "fc" else H.float32)
        worst_abs = H.unravel_index(int(H.nanargmax(diff) if not H.isnan(diff).all() else 0), a.shape)
        worst_rel = H.unravel_index(int(H.nanargmax(rel) if not H.isnan(rel).all() else 0), a.shape)
    if H.isnan(diff).any():  # PyTorch reports nan as the greatest difference where one is nan
        worst_abs = worst_rel = H.unravel_index(int(H.argmax(H.isnan(diff))), a.shape)
    suffix_abs, suffix_rel = ("", "") if exact else (f" (up to {atol} allowed)", f" (up to {rtol} allowed)")
    lines = [f"Tensor-likes are not {'equal' if exact else 'close'}!", "",
             f"Mismatched elements: {bad} / {a.size} ({100 * bad / a.size:.1f}%)",
             f"Greatest absolute difference: {diff[worst_abs].item()} at index {_where(worst_abs)}{suffix_abs}",
             f"Greatest relative difference: {rel[worst_rel].item()} at index {_where(worst_rel)}{suffix_rel}"]
    raise AssertionError("\n".join(lines) + where)


def _walk(actual, expected, path, check):
    """Pairs of leaves of two nested structures, in order; PyTorch's errors where the structures differ."""
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            raise AssertionError(f"The keys of the mappings do not match:\nMissing keys in the actual mapping: "
                                 f"{sorted(set(expected) - set(actual))}\nExtra keys in the actual mapping: "
                                 f"{sorted(set(actual) - set(expected))}")
        for key in actual:
            _walk(actual[key], expected[key], path + [repr(key)], check)
        return
    sequences = [isinstance(x, Sequence) and not isinstance(x, str) for x in (actual, expected)]
    if all(sequences):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _walk(a, e, path + [str(i)], check)
        return
    check(actual, expected, f"\n\nThe failure occurred for item {''.join(f'[{p}]' for p in path)}" if path else "")


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raises AssertionError unless `actual` and `expected` are close (|a - e| <= atol + rtol * |e|)."""
    def check(a, e, where):
        if B.is_array(a) and B.is_array(e):
            a, e = Tensor._make(a), Tensor._make(e)
        try:
            if isinstance(a, Tensor) and isinstance(e, Tensor):
                _compare_tensors(a, e, rtol, atol, equal_nan, check_dtype, check_device, where)
            elif _number(a) and _number(e) and not (check_dtype and type(a) is not type(e)
                                                    and not isinstance(a, B.generic_scalar)):
                _compare_scalars(a, e, rtol, atol, equal_nan, where)
            elif _number(a) and _number(e):
                raise AssertionError(f"The (d)types do not match: {type(a)} != {type(e)}.")
            else:
                raise TypeError(f"No comparison pair was able to handle inputs of type {type(a)} and {type(e)}.")
        except AssertionError as failure:
            if msg is None:
                raise
            raise AssertionError(msg(str(failure)) if callable(msg) else msg) from None
    _walk(actual, expected, [], check)
