"""On a GPU: the whole op suite again on CuPy arrays, and the CuPy behaviour the device seam relies on."""
import numpy as np
import pytest

import autograd_widgets as aw
import op_cases
from autograd_widgets import backend as B
import test_broadcasting
import test_gradcheck_ops

# every test of the op suite, collected again in this module (so under its autouse fixture below)
globals().update({name: fn for module in (test_gradcheck_ops, test_broadcasting)
                  for name, fn in vars(module).items() if name.startswith("test_")})

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
