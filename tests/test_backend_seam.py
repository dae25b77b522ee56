"""The backend seam: the op suite again, with tensor data in a second array namespace.

Importing the op suite's test functions here collects them a second time, under this
module's autouse fixture: tensors made by `op_cases.make` then live on 'cuda', which this
module backs with `checked_namespace` (NumPy behind a wall) instead of CuPy. Any module that
calls NumPy on tensor data, or mixes host arrays into device data, raises TypeError, so these
tests fail if anything bypasses `autograd_widgets.backend`. With CuPy on a GPU, the same suite
runs on real device arrays through AUTOGRAD_WIDGETS_TEST_DEVICE=cuda (see tests/gpu/).
"""
import numpy as np
import pytest

import autograd_widgets as aw
import op_cases
from op_cases_linalg import OWN_GRADIENT_GRAPH
from checked_namespace import BypassError, CheckedArray, installed_as
import test_broadcasting
import test_gradcheck_ops

# every test of the op suite, collected again in this module (so under its autouse fixture below)
globals().update({name: fn for module in (test_gradcheck_ops, test_broadcasting)
                  for name, fn in vars(module).items() if name.startswith("test_")})


@pytest.mark.parametrize("case", OWN_GRADIENT_GRAPH, ids=[c[0] for c in OWN_GRADIENT_GRAPH])
def test_matrix_functions_outside_the_op_table_keep_to_the_backend(case):
    """det, svd, qr, ... (test_linalg.py's rows): forward and both backwards on checked device data."""
    test_gradcheck_ops.test_gradcheck(case)
    test_gradcheck_ops.test_gradgradcheck(case)


@pytest.fixture(autouse=True)
def checked_cuda(monkeypatch):
    with installed_as("cuda"):
        monkeypatch.setattr(op_cases, "DEVICE", "cuda")
        yield


def test_tensors_of_the_suite_really_hold_checked_arrays():
    x = op_cases.make(aw, np.ones(3))
    y = (x * 2).sum()
    y.backward()
    assert type(x._data) is CheckedArray and type(y._data) is CheckedArray and type(x.grad._data) is CheckedArray
    assert x.device == aw.device("cuda", 0)


def test_numpy_refuses_checked_data():
    x = op_cases.make(aw, np.ones(3))
    with pytest.raises(TypeError):
        np.exp(x._data)
    with pytest.raises(BypassError):
        np.asarray(x._data)
    with pytest.raises(BypassError):
        np.where(x._data > 0, x._data, 0)
    with pytest.raises(BypassError):
        x._data + np.ones(3)
