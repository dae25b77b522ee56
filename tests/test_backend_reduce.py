"""The GPU's reductions over leading axes (a matrix product with ones, for cuBLAS) give what sum() gives.

The helper takes its namespace as an argument, so NumPy stands in for CuPy here; the checked 'cuda'
namespace of test_backend_seam.py runs the whole op suite through the same path.
"""
import numpy as np
import pytest

from autograd_widgets import backend as B
from checked_namespace import CheckedArray, installed_as

SHAPES = [(7,), (0,), (5, 3), (0, 3), (5, 0), (1, 4), (4, 3, 2), (2, 0, 3), (3, 1, 1)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_leading_by_matmul_equals_sum_over_leading_axes(shape, dtype, keepdims):
    a = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    for k in range(1, len(shape) + 1):
        axes = tuple(range(k))
        want = a.sum(axis=axes, keepdims=keepdims)
        got = B.sum_leading_by_matmul(np, a, k, keepdims)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)


def _counting(monkeypatch):
    calls, real = [], B.sum_leading_by_matmul
    monkeypatch.setattr(B, "sum_leading_by_matmul", lambda *args: calls.append(args[2]) or real(*args))
    return calls


def test_device_arrays_sum_leading_axes_by_matmul_and_others_by_sum(monkeypatch):
    a = np.arange(12.0).reshape(4, 3)
    calls = _counting(monkeypatch)
    with installed_as("cuda"):
        ca = CheckedArray(a)
        lead = B.sum_axes(ca, (0,))
        full = B.sum_axes(ca, None)
        inner = B.sum_axes(ca, (1,), keepdims=True)
        ints = B.sum_axes(CheckedArray(np.arange(12).reshape(4, 3)), (0,), dtype=np.int64)
    assert calls == [1, 2]  # the leading and the full sum; not the inner axis nor the integer data
    np.testing.assert_array_equal(lead.get(), a.sum(0))
    np.testing.assert_array_equal(full.get(), a.sum())
    np.testing.assert_array_equal(inner.get(), a.sum(1, keepdims=True))
    np.testing.assert_array_equal(ints.get(), np.arange(12).reshape(4, 3).sum(0))


def test_host_arrays_keep_numpys_own_sum(monkeypatch):
    a = np.arange(6.0).reshape(3, 2)
    calls = _counting(monkeypatch)
    np.testing.assert_array_equal(B.sum_axes(a, (0,)), a.sum(0))
    np.testing.assert_array_equal(B.sum_axes(a, None), a.sum())
    assert calls == []
