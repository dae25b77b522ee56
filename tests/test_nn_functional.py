"""nn.functional's layers and activations beyond the op table: options, errors, batch_norm's running
statistics, dropout, embedding's padding and frequency scaling, and whole graphs, each against PyTorch."""
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from graph_names import tree

torch = pytest.importorskip("torch")


def _t(T, a, rg=False, dtype=None):
    return T.tensor(a, dtype=dtype or T.float32, requires_grad=rg)


RNG = np.random.default_rng(0)
X4, W4 = RNG.standard_normal((1, 1, 8, 8)), RNG.standard_normal((6, 3, 5, 5))

# each misuse, as (label, function of T); PyTorch's exception type and words must be ours too
MISUSES = [
    ("linear in_features", lambda T: T.nn.functional.linear(_t(T, np.ones((2, 3))), _t(T, np.ones((5, 4))))),
    ("linear 3d", lambda T: T.nn.functional.linear(_t(T, np.ones((2, 2, 3))), _t(T, np.ones((5, 4))),
                                                   _t(T, np.ones(5)))),
    ("linear double input", lambda T: T.nn.functional.linear(_t(T, np.ones((2, 3)), dtype=T.float64),
                                                             _t(T, np.ones((4, 3))), _t(T, np.ones(4)))),
    ("linear double bias", lambda T: T.nn.functional.linear(_t(T, np.ones((2, 3))), _t(T, np.ones((4, 3))),
                                                            _t(T, np.ones(4), dtype=T.float64))),
    ("linear double no bias", lambda T: T.nn.functional.linear(_t(T, np.ones((2, 3)), dtype=T.float64),
                                                               _t(T, np.ones((4, 3))))),
    ("linear long 3d", lambda T: T.nn.functional.linear(T.ones(2, 2, 3, dtype=T.int64), _t(T, np.ones((4, 3))),
                                                        _t(T, np.ones(4)))),
    ("matmul dtypes", lambda T: _t(T, np.ones((2, 3))) @ _t(T, np.ones((3, 2)), dtype=T.float64)),
    ("bmm dtypes", lambda T: _t(T, np.ones((2, 2, 3))) @ _t(T, np.ones((2, 3, 2)), dtype=T.float64)),
    ("mv dtypes", lambda T: _t(T, np.ones((2, 3))) @ _t(T, np.ones(3), dtype=T.float64)),
    ("dot dtypes", lambda T: _t(T, np.ones(3)) @ _t(T, np.ones(3), dtype=T.float64)),
    ("conv2d double input", lambda T: T.nn.functional.conv2d(_t(T, X4, dtype=T.float64), _t(T, np.ones((2, 1, 3, 3))),
                                                             _t(T, np.ones(2)))),
    ("conv2d double no bias", lambda T: T.nn.functional.conv2d(_t(T, X4, dtype=T.float64),
                                                               _t(T, np.ones((2, 1, 3, 3))))),
    ("layer_norm dtypes", lambda T: T.nn.functional.layer_norm(_t(T, np.ones((2, 3)), dtype=T.float64), (3,),
                                                               T.ones(3))),
    ("batch_norm dtypes", lambda T: T.nn.functional.batch_norm(_t(T, np.ones((2, 3)), dtype=T.float64), T.zeros(3),
                                                               T.ones(3), T.ones(3), training=True)),
    ("conv2d channels", lambda T: T.nn.functional.conv2d(_t(T, X4), _t(T, W4))),
    ("conv2d groups", lambda T: T.nn.functional.conv2d(_t(T, np.ones((1, 4, 8, 8))), _t(T, np.ones((6, 2, 3, 3))),
                                                       groups=3)),
    ("conv2d rank", lambda T: T.nn.functional.conv2d(_t(T, np.ones((8, 8))), _t(T, W4))),
    ("conv2d small", lambda T: T.nn.functional.conv2d(_t(T, np.ones((1, 3, 2, 2))), _t(T, W4))),
    ("conv2d same strided", lambda T: T.nn.functional.conv2d(_t(T, np.ones((1, 3, 8, 8))), _t(T, W4), stride=2,
                                                             padding="same")),
    ("conv2d padding word", lambda T: T.nn.functional.conv2d(_t(T, np.ones((1, 3, 8, 8))), _t(T, W4),
                                                             padding="full")),
    ("conv2d bias", lambda T: T.nn.functional.conv2d(_t(T, np.ones((1, 3, 8, 8))), _t(T, W4), _t(T, np.ones(5)))),
    ("conv1d rank", lambda T: T.nn.functional.conv1d(_t(T, np.ones((1, 3, 8, 8))), _t(T, np.ones((6, 3, 3))))),
    ("conv_transpose2d channels", lambda T: T.nn.functional.conv_transpose2d(_t(T, np.ones((1, 4, 3, 3))),
                                                                             _t(T, np.ones((3, 3, 3, 3))))),
    ("conv_transpose2d bias", lambda T: T.nn.functional.conv_transpose2d(_t(T, np.ones((1, 4, 3, 3))),
                                                                         _t(T, np.ones((4, 3, 3, 3))), _t(T, np.ones(4)))),
    ("conv_transpose2d output_padding", lambda T: T.nn.functional.conv_transpose2d(
        _t(T, np.ones((1, 4, 3, 3))), _t(T, np.ones((4, 3, 3, 3))), stride=2, output_padding=2)),
    ("conv_transpose2d same", lambda T: T.nn.functional.conv_transpose2d(_t(T, np.ones((1, 4, 3, 3))),
                                                                         _t(T, np.ones((4, 3, 3, 3))), padding="same")),
    ("max_pool2d pad", lambda T: T.nn.functional.max_pool2d(_t(T, np.ones((1, 1, 4, 4))), 2, padding=2)),
    ("max_pool2d small", lambda T: T.nn.functional.max_pool2d(_t(T, np.ones((1, 1, 1, 1))), 2)),
    ("max_pool2d rank", lambda T: T.nn.functional.max_pool2d(_t(T, np.ones((4, 4))), 2)),
    ("avg_pool2d small", lambda T: T.nn.functional.avg_pool2d(_t(T, np.ones((1, 1, 1, 1))), 2)),
    ("embedding range", lambda T: T.nn.functional.embedding(T.tensor([5]), _t(T, np.ones((3, 2))))),
    ("embedding float", lambda T: T.nn.functional.embedding(T.tensor([1.]), _t(T, np.ones((3, 2))))),
    ("one_hot large", lambda T: T.nn.functional.one_hot(T.tensor([0, 2]), 2)),
    ("one_hot negative", lambda T: T.nn.functional.one_hot(T.tensor([-1, 2]))),
    ("one_hot float", lambda T: T.nn.functional.one_hot(T.tensor([0., 2.]))),
    ("one_hot empty", lambda T: T.nn.functional.one_hot(T.tensor([], dtype=T.int64))),
    ("pad odd length", lambda T: T.nn.functional.pad(_t(T, np.ones((2, 3))), (1,))),
    ("pad too long", lambda T: T.nn.functional.pad(_t(T, np.ones((2, 3))), (1, 1, 1, 1, 1, 1))),
    ("dropout1d rank", lambda T: T.nn.functional.dropout1d(_t(T, np.ones((2, 3, 4, 4))))),
    ("gelu approximate", lambda T: T.nn.functional.gelu(_t(T, np.ones(3)), approximate="fast")),
    ("pad reflect too wide", lambda T: T.nn.functional.pad(_t(T, np.ones((1, 1, 4, 4))), (1, 1, 4, 4), "reflect")),
    ("pad reflect rank", lambda T: T.nn.functional.pad(_t(T, np.ones((1, 4, 4))), (1, 1) * 3, mode="reflect")),
    ("interpolate corners", lambda T: T.nn.functional.interpolate(_t(T, np.ones((1, 1, 2, 2))), scale_factor=2,
                                                                  align_corners=True)),
    ("interpolate both", lambda T: T.nn.functional.interpolate(_t(T, np.ones((1, 1, 2, 2))), 3, 2)),
    ("prelu weights", lambda T: T.nn.functional.prelu(_t(T, np.ones((2, 3))), _t(T, np.ones(2)))),
    ("dropout p", lambda T: T.nn.functional.dropout(_t(T, np.ones(3)), 1.5)),
    ("dropout negative p", lambda T: T.nn.functional.dropout(_t(T, np.ones(3)), -0.1)),
    ("batch_norm one value", lambda T: T.nn.functional.batch_norm(_t(T, np.ones((1, 3))), None, None, training=True)),
    ("batch_norm running_mean", lambda T: T.nn.functional.batch_norm(_t(T, np.ones((2, 8))), T.zeros(2), T.ones(2),
                                                                     training=True)),
    ("batch_norm weight", lambda T: T.nn.functional.batch_norm(_t(T, np.ones((2, 8))), T.zeros(8), T.ones(8),
                                                               T.ones(3))),
    ("batch_norm 1d input", lambda T: T.nn.functional.batch_norm(_t(T, np.ones(8)), T.zeros(8), T.ones(8))),
    ("layer_norm weight", lambda T: T.nn.functional.layer_norm(_t(T, np.ones((2, 3))), (3,), T.ones(2))),
    ("layer_norm shape", lambda T: T.nn.functional.layer_norm(_t(T, np.ones((2, 3))), (4,))),
]


@pytest.mark.parametrize("misuse", MISUSES, ids=[m[0] for m in MISUSES])
def test_misuse_raises_pytorchs_error(misuse):
    _, fn = misuse
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(Exception) as ours:
        fn(aw)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value).startswith(str(theirs.value).split("\n")[0])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2, 2)])
def test_batch_norm_updates_running_statistics_as_pytorch(dtype, shape):
    x = RNG.standard_normal(shape) * 3 + 1
    results = []
    for T in (aw, torch):
        dt = getattr(T, dtype)
        mean, var = T.zeros(3, dtype=dt), T.ones(3, dtype=dt)
        w, b = T.tensor([1., 2., 0.5], dtype=dt, requires_grad=True), T.tensor([0., 1., -1.], dtype=dt)
        y = T.nn.functional.batch_norm(T.tensor(x, dtype=dt), mean, var, w, b, training=True, momentum=0.2)
        y2 = T.nn.functional.batch_norm(T.tensor(x * 2, dtype=dt), mean, var, w, b, training=True)
        ev = T.nn.functional.batch_norm(T.tensor(x, dtype=dt), mean, var, w, b)  # eval: the running statistics
        results.append([a.detach().numpy().astype(np.float64) for a in (y, y2, mean, var, ev)]
                       + [mean._version, tree(ev.grad_fn)])
    ours, theirs = results
    tol = 1e-6 if dtype == "float32" else 1e-12
    for a, b in zip(ours[:5], theirs[:5]):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    assert ours[5] == theirs[5] == 0  # updated in place, yet no version bump, as in PyTorch
    assert ours[6] == theirs[6]


def test_dropout_keeps_or_scales_each_element_and_is_identity_when_off():
    F = aw.nn.functional
    x = aw.ones(1000, requires_grad=True)
    y = F.dropout(x, 0.25)
    vals = set(np.unique(y.detach().numpy()).tolist())
    assert vals <= {0.0, np.float32(1 / 0.75).item()} and len(vals) == 2
    assert tree(y.grad_fn) == tree(torch.nn.functional.dropout(torch.ones(3, requires_grad=True), 0.25).grad_fn)
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    assert np.all(F.dropout(x, 1.0).detach().numpy() == 0)
    z = x * 1
    assert F.dropout(z, 0.5, inplace=True) is z


@pytest.mark.parametrize("seed, dtype, shape, p", [(0, "float32", (4, 50), 0.3), (3, "float64", (7,), 0.5),
                                                    (11, "float32", (2, 3, 20), 0.9)])
def test_dropout_mask_matches_pytorch_for_a_seed(seed, dtype, shape, p):
    outs = []
    for T in (aw, torch):
        T.manual_seed(seed)
        x = T.randn(*shape, dtype=getattr(T, dtype))
        y = T.nn.functional.dropout(x, p)
        z = T.nn.functional.dropout(x.clone(), p, inplace=True)
        outs.append((y.numpy(), z.numpy()))
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name, shape", [("dropout2d", (2, 3, 4, 4)), ("dropout2d", (2, 3, 5)), ("dropout1d", (4, 6)),
                                         ("dropout1d", (2, 3, 5))])
def test_channel_dropout_matches_pytorch_for_a_seed(name, shape):
    outs = []
    for T in (aw, torch):
        T.manual_seed(7)
        x = T.randn(*shape, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            y = getattr(T.nn.functional, name)(x, 0.4)
        outs.append((y.detach().numpy(), tree(y.grad_fn), [str(m.message) for m in w]))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    assert outs[0][1:] == outs[1][1:]


@pytest.mark.parametrize("kw", [{"padding_idx": 1}, {"padding_idx": -1}, {"scale_grad_by_freq": True},
                                {"max_norm": 0.8}, {"max_norm": 1.0, "norm_type": 1.0}])
def test_embedding_gradient_options_as_pytorch(kw):
    w0, v = RNG.standard_normal((3, 4)), RNG.standard_normal((2, 3, 4))
    grads = []
    for T in (aw, torch):
        w = T.tensor(w0, requires_grad=True)
        out = T.nn.functional.embedding(T.tensor([[1, 0, 2], [1, 1, 0]]), w, **kw)
        out.backward(T.tensor(v))
        grads.append((w.grad.numpy(), w.detach().numpy(), w._version))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-12)  # max_norm renormalizes looked-up rows in place
    assert grads[0][2] == grads[1][2]


def test_one_hot_as_pytorch():
    for args in (([0, 2, 1],), ([[1], [3]], 5)):
        ours = aw.nn.functional.one_hot(aw.tensor(args[0]), *args[1:])
        theirs = torch.nn.functional.one_hot(torch.tensor(args[0]), *args[1:])
        assert ours.dtype == aw.int64 and ours.tolist() == theirs.tolist()


def test_max_pool2d_return_indices_as_pytorch():
    x = np.arange(50.).reshape(1, 2, 5, 5) % 7
    for kw in ({}, {"ceil_mode": True}, {"stride": 2, "padding": 1}, {"dilation": 2}):
        ours = aw.nn.functional.max_pool2d(aw.tensor(x, requires_grad=True), 2, return_indices=True, **kw)
        theirs = torch.nn.functional.max_pool2d(torch.tensor(x, requires_grad=True), 2, return_indices=True, **kw)
        assert ours[1].tolist() == theirs[1].tolist() and ours[1].dtype == aw.int64
        np.testing.assert_array_equal(ours[0].detach().numpy(), theirs[0].detach().numpy())


def test_inplace_activations_write_into_their_input():
    F = aw.nn.functional
    for fn in (lambda t: F.relu(t, inplace=True), lambda t: F.leaky_relu(t, 0.1, inplace=True),
               lambda t: F.elu(t, inplace=True), lambda t: F.hardtanh(t, inplace=True),
               lambda t: F.selu(t, inplace=True), lambda t: F.silu(t, inplace=True),
               lambda t: F.celu(t, inplace=True), lambda t: F.hardswish(t, inplace=True)):
        t = aw.tensor([-2., 0.5, 3.])
        assert fn(t) is t and t._version == 1


def _lenet(T, x, params):
    F = T.nn.functional
    c1, b1, c2, b2, f1, fb1, f2, fb2 = params
    x = F.max_pool2d(F.relu(F.conv2d(x, c1, b1)), (2, 2))
    x = F.max_pool2d(F.relu(F.conv2d(x, c2, b2)), 2)
    x = T.flatten(x, 1)
    return F.linear(F.relu(F.linear(x, f1, fb1)), f2, fb2)


def test_lenet_on_32x32_as_pytorch():
    """The "Neural Networks" tutorial's network, functionally: output, graph and every parameter's gradient."""
    shapes = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,), (10, 120), (10,)]
    arrays = [RNG.standard_normal(s) * 0.1 for s in shapes]
    x, v = RNG.standard_normal((2, 1, 32, 32)), RNG.standard_normal((2, 10))
    results = []
    for T in (aw, torch):
        params = [T.tensor(a, dtype=T.float32, requires_grad=True) for a in arrays]
        out = _lenet(T, T.tensor(x, dtype=T.float32), params)
        out.backward(T.tensor(v, dtype=T.float32))
        results.append((out.detach().numpy(), tree(out.grad_fn), [p.grad.numpy() for p in params]))
    (o1, g1, p1), (o2, g2, p2) = results
    np.testing.assert_allclose(o1, o2, rtol=1e-4, atol=1e-5)
    assert g1 == g2
    for a, b in zip(p1, p2):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("fn", ["gelu", "leaky_relu", "elu", "selu", "celu", "silu", "softplus", "hardtanh", "relu6",
                                "hardswish", "logsigmoid", "softshrink", "hardshrink"])
def test_activations_in_float32_as_pytorch(fn):
    x = np.linspace(-4, 4, 41)
    ours = getattr(aw.nn.functional, fn)(aw.tensor(x, dtype=aw.float32)).numpy()
    theirs = getattr(torch.nn.functional, fn)(torch.tensor(x, dtype=torch.float32)).numpy()
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=3e-7)  # gelu's tail: 1 + erf(x) cancels in float32


def test_same_padding_with_an_even_kernel_warns_as_pytorch():
    # PyTorch 2.13's words (it warns once per process, so an earlier test may have used its one warning up)
    with pytest.warns(UserWarning, match="^Using padding='same' with even kernel lengths and odd dilation may require a "
                                         "zero-padded copy of the input be created"):
        aw.nn.functional.conv2d(aw.ones(1, 1, 5, 5), aw.ones(1, 1, 2, 2), padding="same")


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family_without_dim_warns_at_the_callers_line_as_pytorch(name):
    for T in (aw, torch):
        with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been deprecated") as w:
            getattr(T.nn.functional, name)(T.ones(2, 3))
        assert w[0].filename == __file__


@pytest.mark.parametrize("kw", [{}, {"p": 1.0, "dim": 0}, {"dim": -1, "eps": 0.5}])
def test_normalize_as_pytorch(kw):
    x0, v = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    results = []
    for T in (aw, torch):
        x = T.tensor(x0, requires_grad=True)
        y = T.nn.functional.normalize(x, **kw)
        g, = T.autograd.grad(y, x, T.tensor(v), create_graph=True)
        results.append((y.detach().numpy(), tree(y.grad_fn), g.detach().numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    assert results[0][1] == results[1][1]
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-10)


@pytest.mark.parametrize("kw", [{"scale_factor": 2}, {"scale_factor": 1.7, "mode": "nearest-exact"},
                                {"size": (7, 5), "mode": "bilinear"}, {"scale_factor": 3, "mode": "bilinear",
                                                                       "align_corners": True}])
def test_interpolate_in_float32_as_pytorch(kw):
    x = RNG.standard_normal((2, 3, 4, 6))
    ours = aw.nn.functional.interpolate(aw.tensor(x, dtype=aw.float32), **kw).numpy()
    theirs = torch.nn.functional.interpolate(torch.tensor(x, dtype=torch.float32), **kw).numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
