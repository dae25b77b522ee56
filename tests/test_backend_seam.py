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
from checked_namespace import BypassError, CheckedArray, installed_as
from test_broadcasting import (test_binary_op_broadcasts_values_and_gradients,  # noqa: F401
                               test_incompatible_shapes_raise_pytorchs_error, test_reductions_over_any_dims)
from test_gradcheck_ops import (test_backward_matches_finite_differences, test_gradcheck,  # noqa: F401
                                test_gradgradcheck, test_same_values_grads_and_node_as_pytorch)


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
