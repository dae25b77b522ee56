"""On a GPU: every optimizer of tests/test_optim.py steps CuPy parameters exactly as it steps CPU ones."""
import numpy as np
import pytest

import autograd_widgets as aw
import test_optim as T
from autograd_widgets import backend as B


@pytest.mark.parametrize("name,kwargs", T.CONFIGS, ids=T.IDS)
def test_optimizer_on_cupy_matches_cpu(name, kwargs):
    grads = T._fixed_grads(20)
    cpu, _ = T._train(aw, name, kwargs, steps=20, grads=grads)
    params = [aw.tensor(a, device="cuda", requires_grad=True) for a in T._init()]
    opt = getattr(aw.optim, name)(params, **kwargs)
    for g in grads:
        for p, gi in zip(params, g):
            p.grad = aw.tensor(gi, device="cuda")
        opt.step()
    assert type(params[0]._data) is B.namespace("cuda").ndarray
    for p, q in zip(params, cpu):  # the same float32 operations; CuPy's sqrt is correctly rounded, as NumPy's
        np.testing.assert_allclose(B.to_host(p._data), q.detach().numpy(), rtol=1e-6, atol=1e-7)
