"""torch.distributions as PyTorch's: seeded samples bit for bit (and the stream position after them), log_prob,
entropy and moments, gradients of rsample and log_prob (against PyTorch and by finite differences in float64),
the nodes log_prob records, validation errors in PyTorch's words, repr and shapes, kl_divergence.

Each case is one function `make(T, D)` run with T = autograd_widgets, D = its distributions, then with
T = torch, D = torch.distributions.
"""
import numpy as np
import pytest

import autograd_widgets as aw
import autograd_widgets.distributions as awd
from graph_names import tree
from raised import raised

torch = pytest.importorskip("torch")
import torch.distributions as td  # noqa: E402

LIBS = ((aw, awd), (torch, td))


def _array(t):
    return np.ascontiguousarray(t.detach().numpy() if hasattr(t, "detach") else np.asarray(t))


def _both(make, seed=None):
    """make(T, D) under each library (after T.manual_seed(seed) if given), as arrays, plus three draws that
    show where the random stream stood afterwards."""
    outs = []
    for T, D in LIBS:
        if seed is not None:
            T.manual_seed(seed)
        got = make(T, D)
        got = list(got) if isinstance(got, (tuple, list)) else [got]
        outs.append([_array(g) for g in got] + ([_array(T.rand(3))] if seed is not None else []))
    return outs


def _same_bits(make, seeds=range(4)):
    for seed in seeds:
        ours, theirs = _both(make, seed)
        for k, (a, b) in enumerate(zip(ours, theirs)):
            assert a.dtype == b.dtype and a.shape == b.shape, (seed, k, a.dtype, b.dtype, a.shape, b.shape)
            assert np.array_equal(a.view(np.uint8), b.view(np.uint8)), (seed, k, a, b)


def _close(make, rtol=1e-6, atol=1e-7, seed=None):
    ours, theirs = _both(make, seed)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


SAMPLE_SHAPES = [(), (1,), (5,), (16,), (17,), (3, 7), (40,)]


# --- samples, bit for bit -----------------------------------------------------------------------
@pytest.mark.parametrize("shape", SAMPLE_SHAPES)
def test_normal_sample_and_rsample_draw_pytorchs_numbers(shape):
    _same_bits(lambda T, D: D.Normal(0., 1.).sample(shape))
    _same_bits(lambda T, D: D.Normal(T.tensor([0.5, -1., 2.]), T.tensor([1., 0.1, 3.])).sample(shape))
    _same_bits(lambda T, D: D.Normal(T.tensor([0.5, -1., 2.], requires_grad=True), 2.).rsample(shape))
    _same_bits(lambda T, D: D.Normal(T.zeros(2, 1, dtype=T.float64), T.ones(3, dtype=T.float64)).rsample(shape))


@pytest.mark.parametrize("shape", SAMPLE_SHAPES)
def test_categorical_sample_draws_pytorchs_numbers(shape):
    _same_bits(lambda T, D: D.Categorical(probs=T.tensor([0.2, 0.3, 0.5])).sample(shape))
    _same_bits(lambda T, D: D.Categorical(T.tensor([[1., 0., 3., 2.], [0.5, 0.5, 0., 1.]])).sample(shape))
    _same_bits(lambda T, D: D.Categorical(logits=T.tensor([[0., 1., 2.], [2., 1., 0.]], dtype=T.float64))
               .sample(shape))


@pytest.mark.parametrize("shape", SAMPLE_SHAPES)
def test_bernoulli_and_uniform_samples_draw_pytorchs_numbers(shape):
    _same_bits(lambda T, D: D.Bernoulli(0.3).sample(shape))
    _same_bits(lambda T, D: D.Bernoulli(T.tensor([0.1, 0.5, 0.9])).sample(shape))
    _same_bits(lambda T, D: D.Bernoulli(logits=T.tensor([-1., 0., 3.], dtype=T.float64)).sample(shape))
    _same_bits(lambda T, D: D.Uniform(0., 1.).sample(shape))
    _same_bits(lambda T, D: D.Uniform(T.tensor([0., -2.]), T.tensor([1., 5.], requires_grad=True)).rsample(shape))


@pytest.mark.parametrize("shape", SAMPLE_SHAPES)
def test_one_hot_categorical_exponential_and_laplace_samples_draw_pytorchs_numbers(shape):
    _same_bits(lambda T, D: D.OneHotCategorical(T.tensor([[1., 0., 3., 2.], [0.5, 0.5, 0., 1.]])).sample(shape))
    _same_bits(lambda T, D: D.OneHotCategoricalStraightThrough(logits=T.tensor([0., 1., 2.], requires_grad=True))
               .rsample(shape))
    _same_bits(lambda T, D: D.Exponential(T.tensor([0.5, 2., 10.])).sample(shape))
    _same_bits(lambda T, D: D.Exponential(3.).rsample(shape))
    # Laplace: the same uniform draws, then log1p, whose float32 result may differ from PyTorch's in the last bit
    for seed in range(4):
        _close(lambda T, D: D.Laplace(T.tensor([0., 1.]), T.tensor([1., 0.5], requires_grad=True)).rsample(shape),
               seed=seed)
        _close(lambda T, D: D.Laplace(0., 2.).sample(shape), seed=seed)


@pytest.mark.parametrize("total_count, shape", [(1, ()), (10, ()), (1000, ()), (10, (500,)), (1, (7, 2)), (3, (4,))])
def test_multinomial_sample_counts_are_pytorchs(total_count, shape):
    _same_bits(lambda T, D: D.Multinomial(total_count, T.ones([6]) / 6).sample(shape))
    _same_bits(lambda T, D: D.Multinomial(total_count, T.tensor([[1., 2.], [3., 1.]])).sample(shape), seeds=[0])


def test_d2l_cumulative_estimates_match_pytorch():
    """d2l's die: the running relative frequencies of 500 groups of 10 rolls."""
    def estimates(T, D):
        counts = D.multinomial.Multinomial(10, T.ones([6]) / 6).sample((500,))
        cum_counts = counts.cumsum(dim=0)
        return cum_counts / cum_counts.sum(dim=1, keepdims=True)
    _same_bits(estimates, seeds=[0, 1])


# --- values --------------------------------------------------------------------------------------
def test_normal_log_prob_entropy_moments_cdf_are_pytorchs():
    def values(T, D):
        d = D.Normal(T.tensor([0.5, -1., 2.]), T.tensor([1., 0.1, 3.]))
        x = T.tensor([[0.1, -1.2, 7.], [0.5, 0., 2.]])
        return d.log_prob(x), d.entropy(), d.mean, d.stddev, d.variance, d.mode, d.cdf(x), d.perplexity()
    _close(values)


def test_categorical_values_are_pytorchs():
    def values(T, D):
        d = D.Categorical(probs=T.tensor([[0.2, 0.3, 0.5], [1., 0., 3.]]))
        e = D.Categorical(logits=T.tensor([1., 2., -3.]))
        a = T.tensor([[0, 2], [1, 1], [2, 0]])
        return (d.log_prob(a), d.entropy(), d.probs, d.logits, d.mode, d.mean, d.variance, d.enumerate_support(),
                e.log_prob(T.tensor([0, 1, 2])), e.entropy(), e.probs, e.logits)
    _close(values)


def test_bernoulli_and_uniform_values_are_pytorchs():
    def values(T, D):
        b = D.Bernoulli(T.tensor([0.3, 0.5, 0.9]))
        bl = D.Bernoulli(logits=T.tensor([-2., 0., 1.5]))
        u = D.Uniform(T.tensor([0., 1.]), T.tensor([2., 5.]))
        x = T.tensor([1., 0., 1.])
        return (b.log_prob(x), b.entropy(), b.mean, b.variance, b.mode, b.logits, bl.probs, bl.log_prob(x),
                bl.entropy(), b.enumerate_support(), u.log_prob(T.tensor([1., 4.])), u.entropy(), u.mean,
                u.variance, u.stddev, u.cdf(T.tensor([1., 2.])), u.icdf(T.tensor([0.5, 0.25])))
    _close(values)


def test_one_hot_categorical_and_exponential_values_are_pytorchs():
    def values(T, D):
        o = D.OneHotCategorical(probs=T.tensor([[0.2, 0.3, 0.5], [1., 0., 3.]]))
        e = D.Exponential(T.tensor([0.5, 2., 10.]))
        x = T.tensor([0.1, 1., 3.])
        return (o.log_prob(T.tensor([[0., 1., 0.], [0., 0., 1.]])), o.entropy(), o.mean, o.mode, o.variance,
                o.enumerate_support(), o.probs, o.logits, e.log_prob(x), e.entropy(), e.mean, e.stddev, e.variance,
                e.mode, e.cdf(x), e.icdf(T.tensor([0.1, 0.5, 0.9])))
    _close(values)


def test_laplace_values_are_pytorchs():
    def values(T, D):
        d = D.Laplace(T.tensor([0., 1., -2.]), T.tensor([1., 0.5, 3.]))
        x = T.tensor([0.5, 1., -7.])
        return (d.log_prob(x), d.entropy(), d.mean, d.mode, d.variance, d.stddev, d.cdf(x),
                d.icdf(T.tensor([0.1, 0.5, 0.9])))
    _close(values)


def test_multinomial_moments_and_probs_are_pytorchs():
    _close(lambda T, D: (D.Multinomial(10, T.tensor([1., 2., 1.])).mean,
                         D.Multinomial(10, T.tensor([1., 2., 1.])).variance,
                         D.Multinomial(4, logits=T.tensor([0., 1.])).probs))


# --- gradients -----------------------------------------------------------------------------------
def _grads(make):
    """(loss, d loss / d params) from make(T, D, params) for both libraries, the same draws under seed 0."""
    outs = []
    for T, D in LIBS:
        T.manual_seed(0)
        params = [T.tensor([0.5, -1., 2.], requires_grad=True), T.tensor([1., 0.1, 3.], requires_grad=True)]
        make(T, D, *params).sum().backward()
        outs.append([None if p.grad is None else p.grad.numpy() for p in params])
    return outs


@pytest.mark.parametrize("make", [
    lambda T, D, a, b: D.Normal(a, b).rsample((4,)),
    lambda T, D, a, b: D.Normal(a, b).log_prob(T.tensor([0.1, -1.2, 7.])),
    lambda T, D, a, b: D.Normal(a, b).entropy() * D.Normal(a, b).log_prob(D.Normal(a, b).sample()),
    lambda T, D, a, b: D.Uniform(a, a + b).rsample((3,)),
    lambda T, D, a, b: D.Uniform(a, a + b).log_prob(a + 0.5 * b) + D.Uniform(a, a + b).entropy(),
    lambda T, D, a, b: D.Categorical(logits=a * b).log_prob(T.tensor([2, 0])),
    lambda T, D, a, b: D.Categorical(probs=b).log_prob(T.tensor([2, 0])) + D.Categorical(probs=b).entropy(),
    lambda T, D, a, b: D.Bernoulli(logits=a * b).log_prob(T.tensor([1., 0., 1.])),
    lambda T, D, a, b: D.Bernoulli(probs=b / 4).entropy(),
    lambda T, D, a, b: D.kl_divergence(D.Normal(a, b), D.Normal(b, 2.)),
    lambda T, D, a, b: D.kl_divergence(D.Categorical(logits=a), D.Categorical(probs=b)),
    lambda T, D, a, b: D.OneHotCategoricalStraightThrough(logits=a * b).rsample((2,)) * T.tensor([1., 2., 3.]),
    lambda T, D, a, b: D.Exponential(b).rsample((4,)) + D.Exponential(b).log_prob(a.abs()),
    lambda T, D, a, b: D.kl_divergence(D.Exponential(b), D.Exponential(a.exp())),
    lambda T, D, a, b: D.Laplace(a, b).rsample((4,)) + D.Laplace(a, b).log_prob(T.tensor([0., 1., 2.])),
], ids=["normal-rsample", "normal-log_prob", "normal-entropy-score", "uniform-rsample", "uniform-log_prob",
        "categorical-logits", "categorical-probs", "bernoulli-logits", "bernoulli-entropy", "kl-normal",
        "kl-categorical", "straight-through", "exponential", "kl-exponential",
        "laplace"])
def test_gradients_reach_the_parameters_as_in_pytorch(make):
    ours, theirs = _grads(make)
    for a, b in zip(ours, theirs):
        assert (a is None) == (b is None)  # a parameter the result does not use gets no gradient
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _finite_difference(f, x, h=1e-6):
    """Central differences of the scalar f at the float64 array x."""
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = h
        g.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


@pytest.mark.parametrize("which", ["rsample", "log_prob", "entropy", "kl"])
def test_normal_gradients_match_finite_differences_in_float64(which):
    """d/d loc and d/d scale of a Normal's rsample (the same eps each time), log_prob, entropy, and KL."""
    x = aw.tensor([0.3, -0.7, 2.5], dtype=aw.float64)

    def value(loc, scale):
        d = awd.Normal(loc, scale)
        aw.manual_seed(7)
        out = {"rsample": lambda: d.rsample((2,)), "log_prob": lambda: d.log_prob(x), "entropy": d.entropy,
               "kl": lambda: awd.kl_divergence(d, awd.Normal(0.5, 2.))}[which]()
        return out.sum()

    loc0, scale0 = np.array([0.5, -1., 2.]), np.array([1., 0.4, 3.])
    loc, scale = (aw.tensor(v, requires_grad=True) for v in (loc0, scale0))
    value(loc, scale).backward()
    by_loc = _finite_difference(lambda v: value(aw.tensor(v), aw.tensor(scale0)).item(), loc0)
    by_scale = _finite_difference(lambda v: value(aw.tensor(loc0), aw.tensor(v)).item(), scale0)
    by_engine = np.zeros(3) if loc.grad is None else loc.grad.numpy()  # (entropy does not use loc)
    np.testing.assert_allclose(by_engine, by_loc, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(scale.grad.numpy(), by_scale, rtol=1e-6, atol=1e-8)


# --- recorded nodes ------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda T, D, a, b: D.Normal(a, b).log_prob(T.tensor([0.1, 0.2, 0.3])),
    lambda T, D, a, b: D.Normal(a, 1.).log_prob(T.tensor([0.1, 0.2, 0.3])),
    lambda T, D, a, b: D.Normal(a[:1], b).log_prob(T.tensor([0.1, 0.2, 0.3])),
    lambda T, D, a, b: D.Normal(a, b).rsample(),
    lambda T, D, a, b: D.Normal(a, b).entropy(),
    lambda T, D, a, b: D.Categorical(probs=b).log_prob(T.tensor(1)),
    lambda T, D, a, b: D.Categorical(logits=a).entropy(),
    lambda T, D, a, b: D.Bernoulli(probs=b / 4).log_prob(T.tensor([1., 0., 1.])),
    lambda T, D, a, b: D.Uniform(a, a + b).log_prob(a + 0.5),
    lambda T, D, a, b: D.kl_divergence(D.Normal(a, b), D.Normal(0., 3.)),
    lambda T, D, a, b: D.kl_divergence(D.Categorical(logits=a), D.Categorical(probs=b)),
    lambda T, D, a, b: D.Independent(D.Normal(a, b), 1).log_prob(T.tensor([0.1, 0.2, 0.3])),
    lambda T, D, a, b: D.OneHotCategorical(logits=a).log_prob(T.tensor([0., 1., 0.])),
    lambda T, D, a, b: D.OneHotCategoricalStraightThrough(probs=b).rsample(),
    lambda T, D, a, b: D.Exponential(b).log_prob(a) + D.Exponential(b).entropy() + D.Exponential(b).rsample(),
    lambda T, D, a, b: D.Laplace(a, b).log_prob(T.tensor([0., 1., 2.])) + D.Laplace(a, b).rsample(),
])
def test_recorded_graph_is_pytorchs(make):
    trees = []
    for T, D in LIBS:
        a, b = T.tensor([0.5, 1., 2.], requires_grad=True), T.tensor([1., 2., 3.], requires_grad=True)
        trees.append(tree(make(T, D, a, b).grad_fn))
    assert trees[0] == trees[1]


def test_sample_records_nothing_and_parameters_from_numbers_are_leaves():
    for T, D in LIBS:
        d = D.Normal(T.tensor([0.5], requires_grad=True), 1.)
        assert d.sample().grad_fn is None and not d.sample().requires_grad
        assert d.scale.grad_fn is None and d.scale.dtype == T.float32 and d.rsample().grad_fn is not None


# --- errors --------------------------------------------------------------------------------------
BAD = [
    lambda T, D: D.Normal(0., -1.),
    lambda T, D: D.Normal(T.tensor([0., 1.]), T.tensor([1., -1.])),
    lambda T, D: D.Normal(float("nan"), 1.),
    lambda T, D: D.Normal(0., 1.).log_prob(0.5),
    lambda T, D: D.Normal("a", 1.),
    lambda T, D: D.Normal(T.zeros(2), T.ones(3)),
    lambda T, D: D.Normal(T.zeros(2), 1.).log_prob(T.zeros(3)),
    lambda T, D: D.Categorical(),
    lambda T, D: D.Categorical(T.ones(2), T.ones(2)),
    lambda T, D: D.Categorical(probs=T.tensor(1.)),
    lambda T, D: D.Categorical(logits=T.tensor(1.)),
    lambda T, D: D.Categorical(probs=T.tensor([0.5, -0.5])),
    lambda T, D: D.Categorical(T.ones(3)).log_prob(T.tensor(4)),
    lambda T, D: D.Categorical(T.ones(3)).log_prob(T.tensor([0.5])),
    lambda T, D: D.Bernoulli(1.5),
    lambda T, D: D.Bernoulli(0.5).log_prob(T.tensor(2.)),
    lambda T, D: D.Uniform(1., 0.),
    lambda T, D: D.Uniform(0., 1.).log_prob(T.tensor(2.)),
    lambda T, D: D.Multinomial(2.5, T.ones(3)),
    lambda T, D: D.Multinomial(3, T.ones(3)).log_prob(T.ones(2)),
    lambda T, D: D.kl_divergence(D.Normal(0., 1.), D.Categorical(T.ones(2))),
    lambda T, D: D.Exponential(0.),
    lambda T, D: D.Exponential(1.).log_prob(T.tensor(-1.)),
    lambda T, D: D.OneHotCategorical(T.ones(3)).log_prob(T.tensor([1., 1., 0.])),
    lambda T, D: D.Distribution().sample(),
    lambda T, D: D.Normal(0., 1.).expand((2,)).cdf(T.tensor([[0.], [1.]])).shape and D.Categorical(T.ones(2)).rsample(),
]


@pytest.mark.filterwarnings("ignore:.*does not define `arg_constraints`")  # Distribution() warns in both
@pytest.mark.parametrize("k", range(len(BAD)))
def test_misuse_raises_pytorchs_error(k):
    ours, theirs = (raised(lambda: BAD[k](T, D)) for T, D in LIBS)
    assert theirs is not None and ours == theirs


@pytest.mark.parametrize("make", [
    lambda: awd.Normal(0., -1.), lambda: awd.Categorical(), lambda: awd.Normal(0., 1.).log_prob(0.5),
    lambda: awd.Bernoulli(0.5).log_prob(aw.tensor(2.)),
    lambda: awd.kl_divergence(awd.Normal(0., 1.), awd.Uniform(0., 1.))])
def test_misuse_errors_explain_what_to_do(make):
    with pytest.raises(Exception, match=r"\n\n\[autograd_widgets\] \S"):
        make()


def test_validation_can_be_turned_off_as_in_pytorch():
    for T, D in LIBS:
        assert D.Normal(0., -1., validate_args=False).scale.item() == -1.
        assert D.Normal(0., 1., validate_args=False).log_prob(T.tensor(0.)).item() == pytest.approx(-0.9189385)


# --- repr, shapes, module layout -----------------------------------------------------------------
def test_repr_shapes_and_flags_are_pytorchs():
    def describe(T, D):
        ds = [D.Normal(0., 1.), D.Normal(T.zeros(2), T.ones(2)), D.Normal(T.zeros(2, 1), T.ones(3)),
              D.Normal(T.tensor([0.]), 1.), D.Categorical(probs=T.tensor([0.2, 0.8])),
              D.Categorical(logits=T.zeros(4, 3)), D.Bernoulli(0.3), D.Bernoulli(logits=T.tensor([0., 1.])),
              D.Uniform(0., 1.), D.Uniform(T.zeros(2), 1.), D.Multinomial(10, T.ones(6)),
              D.Normal(T.zeros(2), 1.).expand((3, 2)), D.Categorical(T.ones(3)).expand((2,)),
              D.Multinomial(5, T.ones(2, 3)).expand((4, 2)), D.OneHotCategorical(T.ones(2, 3)), D.Exponential(2.),
              D.Exponential(T.ones(2)).expand((3, 2)), D.OneHotCategoricalStraightThrough(T.ones(3)).expand((2,))]
        c = D.Categorical(T.ones(3))
        c.logits  # computed on first use, then shown in the repr as in PyTorch
        return [(repr(d), d.batch_shape, d.event_shape, d.has_rsample, d.has_enumerate_support) for d in ds] + \
            [repr(c), repr(D.Normal.support), repr(D.Normal.arg_constraints), repr(D.Bernoulli.support),
             repr(D.Uniform(0., 1.).support), repr(c.support), repr(D.Multinomial(3, T.ones(2)).support),
             repr(D.Categorical.arg_constraints), D.Normal(0., 1.).sample().shape,
             D.Normal(0., 1.)._extended_shape((2,))]
    ours, theirs = (describe(T, D) for T, D in LIBS)
    assert [str(x) for x in ours] == [str(x) for x in theirs]


def test_submodules_import_as_pytorchs():
    """`torch.distributions` loads on first use; its submodules import by name, as d2l writes them."""
    import autograd_widgets.distributions.multinomial as mn
    import autograd_widgets.distributions.normal as nm
    assert aw.distributions.multinomial.Multinomial is mn.Multinomial is awd.Multinomial
    assert nm.Normal is awd.Normal and aw.distributions.kl.kl_divergence is awd.kl_divergence
    for name in awd.__all__:
        assert hasattr(td, name) and hasattr(awd, name), name


def test_kl_divergence_values_and_registration_are_pytorchs():
    def kls(T, D):
        class Wide(D.Normal):
            pass
        out = [D.kl_divergence(D.Normal(T.tensor([0., 1.]), T.tensor([1., 2.])), D.Normal(0., 3.)),
               D.kl.kl_divergence(D.Categorical(probs=T.tensor([0.5, 0.5, 0.])),
                                  D.Categorical(logits=T.tensor([0., 1., 2.]))),
               D.kl_divergence(D.Categorical(logits=T.tensor([0., 1., 2.])),
                               D.Categorical(probs=T.tensor([0.5, 0.5, 0.]))),
               D.kl_divergence(D.Bernoulli(T.tensor([0.2, 0., 1.])), D.Bernoulli(T.tensor([0.5, 0.5, 0.3]))),
               D.kl_divergence(D.Uniform(0., 1.), D.Uniform(-1., 2.)),
               D.kl_divergence(D.Uniform(0., 1.), D.Uniform(0.5, 2.)),
               D.kl_divergence(Wide(0., 1.), D.Normal(1., 1.)),
               D.kl_divergence(D.OneHotCategorical(T.tensor([1., 2.])), D.OneHotCategorical(T.tensor([3., 1.]))),
               D.kl_divergence(D.Exponential(T.tensor([1., 2.])), D.Exponential(0.5)),
               D.kl_divergence(D.Laplace(T.tensor([0., 1.]), 2.), D.Laplace(0.5, T.tensor([1., 3.])))]
        D.register_kl(Wide, D.Normal)(lambda p, q: T.tensor(-1.))
        return out + [D.kl_divergence(Wide(0., 1.), D.Normal(1., 1.)), D.kl_divergence(D.Normal(0., 1.), Wide(1., 1.))]
    _close(kls)


def test_independent_normal_sums_over_its_event_dims_as_pytorch():
    """A VAE's diagonal Normal: Independent(Normal(mu, sigma), 1): shapes, repr, draws, log_prob, entropy, KL."""
    def values(T, D):
        mu, sigma = T.tensor([[0., 1., 2.], [1., 1., 1.]]), T.tensor([[1., 2., 0.5], [1., 1., 3.]])
        d = D.Independent(D.Normal(mu, sigma), 1)
        prior = D.Independent(D.Normal(T.zeros(3), T.ones(3)), 1)
        x = T.tensor([0.5, 0.5, 0.5])
        T.manual_seed(3)
        return (str((repr(d), d.batch_shape, d.event_shape, d.has_rsample, repr(d.support),
                     repr(d.expand((4, 2))), d.expand((4, 2)).batch_shape)),
                d.sample((5,)), d.rsample(), d.log_prob(x), d.entropy(), d.mean, d.variance,
                D.kl_divergence(d, prior.expand((2,))))
    ours, theirs = _both(values)
    assert ours[0] == theirs[0]
    for a, b in zip(ours[1:], theirs[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert raised(lambda: awd.Independent(awd.Normal(0., 1.), 1)) == \
        raised(lambda: td.Independent(td.Normal(0., 1.), 1))


@pytest.mark.skipif(not (hasattr(aw.Tensor, "lgamma") and hasattr(aw.Tensor, "erfinv")),
                    reason="Multinomial.log_prob needs Tensor.lgamma and Normal.icdf Tensor.erfinv (moreops branch)")
def test_multinomial_log_prob_and_normal_icdf_are_pytorchs():
    def values(T, D):
        x = T.tensor([[2., 3., 0., 5.], [10., 0., 0., 0.]])
        p = T.tensor([1., 2., 0., 3.])
        return (D.Multinomial(10, p).log_prob(x),
                D.Multinomial(probs=T.tensor([1., 1., 1., 1.]), validate_args=False).log_prob(x),
                D.Multinomial(10, logits=T.tensor([0., 1., float("-inf"), 2.])).log_prob(x),
                D.Normal(T.tensor([0., 1.]), T.tensor([1., 2.])).icdf(T.tensor([0.25, 0.9])))
    _close(values)


def test_a_missing_distribution_gets_the_packages_explained_error():
    with pytest.raises(AttributeError, match=r"does not support 'torch\.distributions\.Beta' \(yet\)"):
        awd.Beta(1., 2.)


def test_second_derivatives_of_log_prob_are_pytorchs():
    """create_graph=True through log_prob: d2/dscale2 and d2/dloc dscale of a Normal's log-likelihood."""
    outs = []
    for T, D in LIBS:
        loc, scale = T.tensor([0.5, -1.], requires_grad=True), T.tensor([1., 2.], requires_grad=True)
        lp = D.Normal(loc, scale).log_prob(T.tensor([0.1, 0.7])).sum()
        g_scale, = T.autograd.grad(lp, scale, create_graph=True)
        outs.append([a.numpy() for a in T.autograd.grad(g_scale.sum(), (loc, scale))])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-6)
