"""nn.functional's losses against PyTorch: float32 values and gradients, options, errors and warnings.

Gradients, double backward and node names of every loss are in the op table (op_cases_loss.py).
"""
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from graph_names import tree

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
X = RNG.standard_normal((4, 5)).astype(np.float32)        # scores or predictions
Y = RNG.standard_normal((4, 5)).astype(np.float32)        # regression targets
P = RNG.uniform(0.05, 0.95, (4, 5)).astype(np.float32)    # probabilities
Q = RNG.uniform(0.0, 1.0, (4, 5)).astype(np.float32)      # soft labels
IMG = RNG.standard_normal((2, 3, 4, 2)).astype(np.float32)


LOSSES = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
          "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy", "kl_div", "soft_margin_loss"]


@pytest.mark.parametrize("name", LOSSES)
def test_signature_is_pytorchs(name):
    import inspect

    def params(f):
        return [(p.name, p.default, p.kind) for p in inspect.signature(f).parameters.values()]
    assert params(getattr(aw.nn.functional, name)) == params(getattr(torch.nn.functional, name))


def _run(T, fn):
    """fn(T, leaf) on a float32 leaf holding X (or the array fn asks for): value, gradient, dtype, shape."""
    x = T.tensor(fn.source, requires_grad=True)
    out = fn(T, x)
    out.backward(T.ones_like(out))
    return out.detach().numpy(), x.grad.numpy(), str(out.dtype), tuple(out.shape)


def _case(source, f):
    f.source = source
    return f


def F(T):
    return T.nn.functional


def _long(T, v):
    return T.tensor(v)


FLOAT32_CASES = {
    "mse": _case(X, lambda T, x: F(T).mse_loss(x, T.tensor(Y))),
    "mse sum": _case(X, lambda T, x: F(T).mse_loss(x, T.tensor(Y), reduction="sum")),
    "mse weight": _case(X, lambda T, x: F(T).mse_loss(x, T.tensor(Y), weight=T.tensor(P))),
    "l1": _case(X, lambda T, x: F(T).l1_loss(x, T.tensor(Y))),
    "l1 weight none": _case(X, lambda T, x: F(T).l1_loss(x, T.tensor(Y), weight=T.tensor(P), reduction="none")),
    "smooth_l1": _case(X, lambda T, x: F(T).smooth_l1_loss(x, T.tensor(Y), beta=0.7)),
    "huber": _case(X, lambda T, x: F(T).huber_loss(x, T.tensor(Y), delta=0.5)),
    "huber weight": _case(X, lambda T, x: F(T).huber_loss(x, T.tensor(Y), weight=T.tensor(P))),
    "bce": _case(P, lambda T, x: F(T).binary_cross_entropy(x, T.tensor(Q))),
    "bce weight none": _case(P, lambda T, x: F(T).binary_cross_entropy(x, T.tensor(Q), weight=T.tensor(P[0]),
                                                                      reduction="none")),
    "bce hard labels": _case(P, lambda T, x: F(T).binary_cross_entropy(x, T.tensor((Q > 0.5).astype(np.float32)))),
    "bce logits": _case(X, lambda T, x: F(T).binary_cross_entropy_with_logits(x, T.tensor(Q))),
    "bce logits large": _case(X * 30, lambda T, x: F(T).binary_cross_entropy_with_logits(x, T.tensor(Q))),
    "bce logits pos_weight": _case(X, lambda T, x: F(T).binary_cross_entropy_with_logits(
        x, T.tensor(Q), pos_weight=T.tensor(P[1] * 3), weight=T.tensor(P[2]), reduction="sum")),
    "nll": _case(X, lambda T, x: F(T).nll_loss(F(T).log_softmax(x, 1), _long(T, [4, 0, 2, 2]))),
    "cross_entropy": _case(X, lambda T, x: F(T).cross_entropy(x, _long(T, [4, 0, 2, 2]))),
    "cross_entropy weight ignore": _case(X, lambda T, x: F(T).cross_entropy(
        x, _long(T, [4, 7, 2, 7]), weight=T.tensor(P[0]), ignore_index=7)),
    "cross_entropy smoothing": _case(X, lambda T, x: F(T).cross_entropy(
        x, _long(T, [4, -100, 2, 1]), weight=T.tensor(P[0]), label_smoothing=0.15)),
    "cross_entropy probs": _case(X, lambda T, x: F(T).cross_entropy(x, T.tensor(Q), label_smoothing=0.1)),
    "cross_entropy 4d none": _case(IMG, lambda T, x: F(T).cross_entropy(
        x, _long(T, [[[0, 1]] * 4, [[2, 2]] * 4]), reduction="none")),
    "cross_entropy 5d": _case(IMG[..., None], lambda T, x: F(T).cross_entropy(
        x, _long(T, [[[[0], [1]]] * 4, [[[2], [2]]] * 4]), reduction="sum")),
    "kl_div batchmean": _case(X, lambda T, x: F(T).kl_div(F(T).log_softmax(x, 1), T.tensor(Q / Q.sum(1, keepdims=True)),
                                                            reduction="batchmean")),
    "kl_div zero targets": _case(X, lambda T, x: F(T).kl_div(x, T.tensor(np.where(Q > 0.5, Q, 0)), reduction="sum")),
    "kl_div log_target": _case(X, lambda T, x: F(T).kl_div(x, T.tensor(Y), reduction="none", log_target=True)),
    "soft_margin_loss": _case(X, lambda T, x: F(T).soft_margin_loss(x, T.tensor(np.sign(Y)))),
    "cosine_similarity": _case(X, lambda T, x: F(T).cosine_similarity(x, T.tensor(Y))),
    "cosine_similarity zero vector": _case(X, lambda T, x: F(T).cosine_similarity(x, T.zeros(5), dim=1)),
    "nll 3d none": _case(IMG[..., 0], lambda T, x: F(T).nll_loss(x, _long(T, [[0, 1, 2, 0], [2, 2, 1, 0]]),
                                                               reduction="none")),
}


@pytest.mark.parametrize("name", FLOAT32_CASES)
def test_float32_values_and_gradients_as_pytorch(name):
    fn = FLOAT32_CASES[name]
    (v1, g1, d1, s1), (v2, g2, d2, s2) = _run(aw, fn), _run(torch, fn)
    assert (d1, s1) == (d2, s2)
    np.testing.assert_allclose(v1, v2, rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(g1, g2, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
# the smoothed mean divides 0 by 0 with the core's DivBackward0, where NumPy (unlike PyTorch) warns
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning",
                            "ignore:divide by zero encountered:RuntimeWarning")
def test_all_targets_ignored_give_pytorchs_nan_and_zero_gradients(reduction, smoothing):
    results = []
    for T in (aw, torch):
        x = T.tensor(X[:3], requires_grad=True)
        out = F(T).cross_entropy(x, T.tensor([-100, -100, -100]), reduction=reduction, label_smoothing=smoothing)
        out.sum().backward()
        results.append((out.detach().numpy(), x.grad.numpy()))
    (v1, g1), (v2, g2) = results
    np.testing.assert_array_equal(v1, v2)  # nan for 'mean' (0 / 0), zeros otherwise
    np.testing.assert_array_equal(g1, g2)
    assert np.isnan(v1).all() == (reduction == "mean")


def test_one_sample_with_a_target_of_size_1_as_pytorch():
    # forward only: PyTorch 2.13's backward of this form fails ("size mismatch (got input: [5], target: [1])")
    for reduction in ("mean", "none"):
        ours, theirs = (F(T).cross_entropy(T.tensor(X[0]), T.tensor([3]), reduction=reduction) for T in (aw, torch))
        assert ours.shape == theirs.shape == ()
        np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-6)


MIXED_DTYPES = {
    "bce double weight": lambda T: F(T).binary_cross_entropy(T.tensor(P), T.tensor(Q), weight=T.tensor(Q, dtype=T.float64)),
    "bce logits double weight": lambda T: F(T).binary_cross_entropy_with_logits(
        T.tensor(X), T.tensor(Q), weight=T.tensor(Q, dtype=T.float64), pos_weight=T.tensor(Q[0], dtype=T.float64)),
    "bce logits double target": lambda T: F(T).binary_cross_entropy_with_logits(T.tensor(X), T.tensor(Q, dtype=T.float64)),
    "bce logits double input": lambda T: F(T).binary_cross_entropy_with_logits(T.tensor(X, dtype=T.float64), T.tensor(Q)),
    "soft_margin double target": lambda T: F(T).soft_margin_loss(T.tensor(X), T.tensor(np.sign(Y), dtype=T.float64)),
    "huber double input": lambda T: F(T).huber_loss(T.tensor(X, dtype=T.float64), T.tensor(Y)),
    "mse double target": lambda T: F(T).mse_loss(T.tensor(X), T.tensor(Y, dtype=T.float64)),
    "cross_entropy double probs": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor(Q, dtype=T.float64)),
    "kl_div double target": lambda T: F(T).kl_div(T.tensor(X), T.tensor(Q, dtype=T.float64), reduction="sum"),
}


@pytest.mark.parametrize("name", MIXED_DTYPES)
def test_mixed_dtypes_give_pytorchs_result_dtype(name):
    ours, theirs = MIXED_DTYPES[name](aw), MIXED_DTYPES[name](torch)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-6)


def test_legacy_size_average_and_reduce_choose_the_reduction_with_pytorchs_warning():
    for T in (aw, torch):
        x = T.tensor(X)
        with pytest.warns(UserWarning, match="please use reduction='sum' instead"):
            s = F(T).mse_loss(x, T.tensor(Y), size_average=False)
        with pytest.warns(UserWarning, match="please use reduction='none' instead"):
            n = F(T).cross_entropy(x, T.tensor([1, 2, 3, 4]), reduce=False)
        assert n.shape == (4,)
        np.testing.assert_allclose(float(s), float(((X - Y) ** 2).sum()), rtol=1e-6)


def test_nodes_save_what_pytorch_saves():
    for T in (aw, torch):
        x = T.tensor(X, requires_grad=True)
        node = F(T).nll_loss(x, T.tensor([4, 0, 2, 2]), weight=T.tensor(P[0]), reduction="sum").grad_fn
        assert node._saved_reduction == 2 and node._saved_self is not None
        np.testing.assert_allclose(node._saved_total_weight.numpy(), P[0][[4, 0, 2, 2]].sum(), rtol=1e-6)
        assert F(T).huber_loss(x, T.tensor(Y), delta=0.25).grad_fn._saved_delta == 0.25
        assert F(T).smooth_l1_loss(x, T.tensor(Y), beta=0.5).grad_fn._saved_beta == 0.5


def test_broadcast_target_warns_and_expands_as_pytorch():
    graphs = []
    for T in (aw, torch):
        x = T.tensor(X, requires_grad=True)
        y = T.tensor(Y[0], requires_grad=True)
        with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[5\]\)\) that is different"):
            out = F(T).mse_loss(x, y)
        graphs.append(tree(out.grad_fn))
    assert graphs[0] == graphs[1]
    (target_edge, _input_nr) = graphs[0][1][1]
    assert target_edge[0] == "ExpandBackward0"


# --- errors: PyTorch's type and words, then ours --------------------------------------------
ERRORS = {
    "nll float target": lambda T: F(T).nll_loss(T.tensor(X), T.tensor([0.0, 1.0, 2.0, 1.0])),
    "cross_entropy float target": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor([0.0, 1.0, 2.0, 1.0])),
    "cross_entropy int32 target": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor([0, 1, 2, 1], dtype=T.int32)),
    "batch mismatch": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor([0, 1])),
    "target out of bounds": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor([0, 5, 9, 1])),
    "negative target": lambda T: F(T).nll_loss(T.tensor(X), T.tensor([0, -1, 1, 1])),
    "target out of bounds 4d": lambda T: F(T).nll_loss(T.tensor(IMG), T.full((2, 4, 2), 3)),
    "target out of bounds 1d": lambda T: F(T).nll_loss(T.tensor(X[0]), T.tensor(7)),
    "0-d input": lambda T: F(T).nll_loss(T.tensor(1.0), T.tensor(0)),
    "one-hot long target": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor(np.eye(5)[:4].astype(np.int64))),
    "2-d target": lambda T: F(T).nll_loss(T.tensor(X), T.zeros(4, 2, dtype=T.long)),
    "1-d input, 2 targets": lambda T: F(T).nll_loss(T.tensor(X[0]), T.tensor([1, 2])),
    "3-d target shape": lambda T: F(T).nll_loss(T.tensor(IMG[..., 0]), T.zeros(2, 3, dtype=T.long)),
    "4-d target shape": lambda T: F(T).nll_loss(T.tensor(IMG), T.zeros(2, 2, 4, dtype=T.long)),
    "weight size": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor([0, 1, 2, 1]), weight=T.ones(3)),
    "weight dtype": lambda T: F(T).nll_loss(T.tensor(X), T.tensor([0, 1, 2, 1]), weight=T.ones(5, dtype=T.float64)),
    "weight size probs": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor(Q), weight=T.ones(3)),
    "ignore_index with probs": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor(Q), ignore_index=0),
    "label_smoothing > 1": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor([0, 1, 2, 1]), label_smoothing=1.5),
    "bad reduction": lambda T: F(T).cross_entropy(T.tensor(X), T.tensor([0, 1, 2, 1]), reduction="average"),
    "bad reduction mse": lambda T: F(T).mse_loss(T.tensor(X), T.tensor(Y), reduction="avg"),
    "bad reduction bce": lambda T: F(T).binary_cross_entropy(T.tensor(P), T.tensor(Q), reduction="x"),
    "bce input above 1": lambda T: F(T).binary_cross_entropy(T.tensor([0.5, 1.5]), T.tensor([0.0, 1.0])),
    "bce input nan": lambda T: F(T).binary_cross_entropy(T.tensor([float("nan"), 0.5]), T.tensor([0.0, 1.0])),
    "bce logits as input": lambda T: F(T).binary_cross_entropy(T.tensor(X), T.tensor(Q)),
    "bce target above 1": lambda T: F(T).binary_cross_entropy(T.tensor([0.5, 0.5]), T.tensor([2.0, 1.0])),
    "bce size": lambda T: F(T).binary_cross_entropy(T.tensor(P[:, :1]), T.tensor(Q[:, 0])),
    "bce long target": lambda T: F(T).binary_cross_entropy(T.tensor(P[0]), T.tensor([0, 1, 1, 0, 1])),
    "bce double input, float target": lambda T: F(T).binary_cross_entropy(T.tensor(P, dtype=T.float64),
                                                                          T.tensor(Q)),
    "bce logits size": lambda T: F(T).binary_cross_entropy_with_logits(T.tensor(X[:, :1]), T.tensor(Q[:, 0])),
    "bce logits long target": lambda T: F(T).binary_cross_entropy_with_logits(T.tensor(X[0]),
                                                                              T.tensor([0, 1, 1, 0, 1])),
    "mse shapes do not broadcast": lambda T: F(T).mse_loss(T.tensor(X), T.tensor(Y[:2])),
    "huber delta 0": lambda T: F(T).huber_loss(T.tensor(X), T.tensor(Y), delta=0.0),
    "smooth_l1 beta < 0": lambda T: F(T).smooth_l1_loss(T.tensor(X), T.tensor(Y), beta=-1.0),
    "soft_margin_loss target requires grad": lambda T: F(T).soft_margin_loss(
        T.tensor(X), T.tensor(np.sign(Y), requires_grad=True)),
    "huber weight, bad reduction": lambda T: F(T).huber_loss(T.tensor(X), T.tensor(Y), reduction="avg",
                                                             weight=T.tensor(P)),
    "mse weight shape": lambda T: F(T).mse_loss(T.tensor(X), T.tensor(Y), weight=T.ones(5)),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_are_pytorchs_then_explained(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            ERRORS[name](torch)
        with pytest.raises(type(theirs.value)) as ours:
            ERRORS[name](aw)
    head, sep, explanation = str(ours.value).partition("\n\n[autograd_widgets] ")
    assert head == str(theirs.value) and sep and explanation


WARNINGS = {
    "mse": lambda T: F(T).mse_loss(T.tensor(X[:, :1]), T.tensor(Y[:, 0])),
    "l1": lambda T: F(T).l1_loss(T.tensor(X), T.tensor(Y[0])),
    "smooth_l1": lambda T: F(T).smooth_l1_loss(T.tensor(X), T.tensor(Y[:1])),
    "huber": lambda T: F(T).huber_loss(T.tensor(X[:1]), T.tensor(Y)),
    "legacy reduce": lambda T: F(T).nll_loss(T.tensor(X), T.tensor([0, 1, 2, 3]), size_average=True, reduce=True),
    "kl_div mean": lambda T: F(T).kl_div(T.tensor(X), T.tensor(Q)),
    "elementwise_mean": lambda T: F(T).binary_cross_entropy(T.tensor(P), T.tensor(Q), reduction="elementwise_mean"),
}


@pytest.mark.parametrize("name", WARNINGS)
def test_warnings_are_pytorchs_then_explained(name):
    caught = []
    for T in (torch, aw):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            WARNINGS[name](T)
        caught.append([(x.category, str(x.message), x.filename) for x in w])
    theirs, ours = caught
    assert theirs, "PyTorch no longer warns here"
    assert [(c, m) for c, m, _ in theirs] == [(c, m.split("\n\n[autograd_widgets] ")[0]) for c, m, _ in ours]
    assert all("[autograd_widgets]" in m and f == __file__ for _, m, f in ours)  # points at the caller's line
