"""On a GPU: the whole op suite again on CuPy arrays, and the CuPy behaviour the device seam relies on."""
import numpy as np
import pytest

import autograd_widgets as aw
import op_cases
from autograd_widgets import backend as B
from test_broadcasting import (test_binary_op_broadcasts_values_and_gradients,  # noqa: F401
                               test_incompatible_shapes_raise_pytorchs_error, test_reductions_over_any_dims)
from test_gradcheck_ops import (test_backward_matches_finite_differences, test_gradcheck,  # noqa: F401
                                test_gradgradcheck, test_same_values_grads_and_node_as_pytorch)

pytestmark = pytest.mark.skipif(B.cuda_device_count() == 0, reason="CuPy finds no GPU here")


@pytest.fixture(autouse=True)
def on_cuda(monkeypatch):
    monkeypatch.setattr(op_cases, "DEVICE", "cuda")


def test_suite_tensors_hold_cupy_arrays():
    cupy = B.namespace("cuda")
    x = op_cases.make(aw, np.ones(3))
    (x * 2).sum().backward()
    assert type(x._data) is cupy.ndarray and type(x.grad._data) is cupy.ndarray


def test_cupy_refuses_host_arrays_with_type_error():
    """Device mixing is caught from the TypeError CuPy raises; 0-dim host arrays included."""
    cupy = B.namespace("cuda")
    g = cupy.ones(3)
    for host in (np.ones(3), np.asarray(2.0)):
        for f in (lambda: g + host, lambda: host * g, lambda: cupy.where(g > 0, g, host),
                  lambda: cupy.concatenate([g, np.atleast_1d(host)])):
            with pytest.raises(TypeError):
                f()
    with pytest.raises(TypeError):
        np.ones((3, 3)) @ g
    assert B.to_host(g).tolist() == [1.0, 1.0, 1.0]
