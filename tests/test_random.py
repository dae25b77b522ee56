"""PyTorch's CPU random numbers, bit for bit: every random function under seeds 0-20, sizes 1-100 and 1,000,
float32 and float64, compared on the raw bits with the installed PyTorch, and the stream position after
each call (each sequence runs all sizes one after another from one seed, so a call that took one draw too
many or too few shifts every later value).
"""
import numpy as np
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")

SEEDS = range(21)
SIZES = list(range(1, 101)) + [1000]
SHORT = [1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 100, 1000]   # for the slower forms


def _bits(t):
    a = t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)
    a = np.ascontiguousarray(a)
    return a.view(np.uint8) if a.dtype != np.bool_ else a


def _same(make, seeds=SEEDS, sizes=SIZES, tail=True):
    """Run make(T, n) for every size in turn after seeding; ours and PyTorch's give the same bits."""
    for seed in seeds:
        outs = []
        for T in (aw, torch):
            T.manual_seed(seed)
            got = [_bits(make(T, n)) for n in sizes]
            if tail:  # the stream position afterwards: 32-bit words, 64-bit words and the normal cache
                got += [_bits(T.rand(3)), _bits(T.rand(2, dtype=T.float64)), _bits(T.randn(3, dtype=T.float64))]
            outs.append(got)
        for k, (a, b) in enumerate(zip(*outs)):
            assert np.array_equal(a, b), (seed, (sizes + ["tail"] * 3)[k])


DTYPES = ["float32", "float64"]


def _ramp(T, n, dtype):
    """The same n probabilities in [0, 1] for both libraries (their linspace may round differently)."""
    return T.tensor(np.linspace(0, 1, n), dtype=getattr(T, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_rand_and_uniform_(dtype):
    _same(lambda T, n: T.rand(n, dtype=getattr(T, dtype)))
    _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).uniform_(-1.5, 2.25), seeds=range(5))
    _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).uniform_(0.1, 0.3), seeds=range(5), sizes=SHORT)
    for bound in np.random.default_rng(0).uniform(0.01, 3, 8):   # bounds as nn.init computes them
        _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).uniform_(-bound, bound), seeds=range(2), sizes=SHORT)


@pytest.mark.parametrize("dtype", DTYPES)
def test_randn_both_paths_and_the_normal_cache(dtype):
    _same(lambda T, n: T.randn(n, dtype=getattr(T, dtype)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_normal_with_mean_and_std(dtype):
    _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).normal_(0.3, 2.5), seeds=range(5))
    _same(lambda T, n: T.normal(1.5, 0.5, size=(n,), dtype=getattr(T, dtype)), seeds=range(3), sizes=SHORT)


@pytest.mark.parametrize("dtype", DTYPES)
def test_normal_with_tensor_mean_and_std(dtype):
    def mean(T, n):
        return T.tensor(np.linspace(-2, 2, n), dtype=getattr(T, dtype))
    _same(lambda T, n: T.normal(mean(T, n), mean(T, n).abs() + 0.5), seeds=range(5), sizes=SHORT)
    _same(lambda T, n: T.normal(mean(T, n), 0.7), seeds=range(5), sizes=SHORT)
    _same(lambda T, n: T.normal(0.25, mean(T, n).abs()), seeds=range(5), sizes=SHORT)


def test_randint_forms_and_ranges():
    _same(lambda T, n: T.randint(10, (n,)))
    _same(lambda T, n: T.randint(-5, 7, (n,)), seeds=range(5))
    for high in (2 ** 28 - 1, 2 ** 28, 2 ** 40):  # the 64-bit draw starts at a range of 2**28
        _same(lambda T, n: T.randint(-3, high, (n,)), seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.randint(0, 100, size=(n,), dtype=T.float32), seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.randint(low=2, high=9, size=(n, 2), dtype=T.float64), seeds=range(3), sizes=SHORT)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "bool"])
def test_random_(dtype):
    """Tensor.random_() (all bounds forms) draws PyTorch's CPU values for each dtype and seed."""
    _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).random_(), seeds=range(5), sizes=SHORT)
    if dtype != "bool":
        _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).random_(3, 50), seeds=range(5), sizes=SHORT)
        _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).random_(40), seeds=range(3), sizes=SHORT)
        _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).random_(2, None), seeds=range(3), sizes=SHORT)


def test_random_full_64_bit_range_and_the_sampler_seed():
    _same(lambda T, n: T.empty(n, dtype=T.int64).random_(-2 ** 63, None), seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.tensor(int(T.empty((), dtype=T.int64).random_().item())))   # DataLoader's seed draw


def test_randperm():
    """torch.randperm draws PyTorch's CPU permutation for each seed and size."""
    _same(lambda T, n: T.randperm(n))
    _same(lambda T, n: T.randperm(n, dtype=T.float32), seeds=range(2), sizes=SHORT)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bernoulli_float_p_and_tensor_p(dtype):
    _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).bernoulli_(0.3))
    _same(lambda T, n: T.bernoulli(_ramp(T, n, dtype)))
    _same(lambda T, n: T.bernoulli(T.ones(n, dtype=getattr(T, dtype)), p=0.75), seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.zeros(n).bernoulli_(_ramp(T, n, dtype)), seeds=range(3),
          sizes=SHORT)


@pytest.mark.parametrize("dtype", DTYPES)
def test_exponential_(dtype):
    """Tensor.exponential_() draws PyTorch's CPU values for each dtype, rate and seed."""
    _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).exponential_(), seeds=range(5))
    _same(lambda T, n: T.empty(n, dtype=getattr(T, dtype)).exponential_(2.5), seeds=range(3), sizes=SHORT)


@pytest.mark.parametrize("dtype", DTYPES)
def test_multinomial(dtype):
    """torch.multinomial, with and without replacement, 1-D and 2-D weights, draws PyTorch's CPU samples."""
    def weights(T, n):
        return T.tensor(np.arange(1, n + 1) % 7 + 0.5, dtype=getattr(T, dtype))
    _same(lambda T, n: T.multinomial(weights(T, n), 1), seeds=range(5))
    _same(lambda T, n: T.multinomial(weights(T, n), min(n, 5)), seeds=range(5), sizes=SHORT)
    _same(lambda T, n: T.multinomial(weights(T, n), 2 * n, replacement=True), seeds=range(5), sizes=SHORT)
    _same(lambda T, n: T.tensor(np.tile(np.arange(n) % 5 + 0.25, (3, 1)), dtype=getattr(T, dtype)).multinomial(4, True),
          seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.tensor(np.tile(np.arange(n) % 5 + 0.25, (2, 1)), dtype=getattr(T, dtype)).multinomial(
        min(n, 3)), seeds=range(3), sizes=SHORT)


def test_float16_uniform_exponential_and_the_small_normal_path():
    _same(lambda T, n: T.rand(n, dtype=T.float16), seeds=range(5))
    _same(lambda T, n: T.empty(n, dtype=T.float16).uniform_(-0.3, 0.7), seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.empty(n, dtype=T.float16).exponential_(), seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.empty(n, dtype=T.float16).normal_(0.5, 3.0), seeds=range(3), sizes=list(range(1, 16)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_like_forms(dtype):
    """rand_like, randn_like and randint_like draw PyTorch's CPU values with the input's shape and dtype."""
    def base(T, n):
        return T.zeros(n, 2, dtype=getattr(T, dtype))
    _same(lambda T, n: T.rand_like(base(T, n)), seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.randn_like(base(T, n)), seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.randint_like(base(T, n), 3, 9), seeds=range(3), sizes=SHORT)
    _same(lambda T, n: T.randint_like(base(T, n), 9), seeds=range(3), sizes=SHORT)


def test_shapes_keywords_and_fills_of_views():
    _same(lambda T, n: T.rand(n, 3), seeds=range(2), sizes=SHORT)
    _same(lambda T, n: T.randn(size=(n, 2)), seeds=range(2), sizes=SHORT)
    _same(lambda T, n: T.randn((2, n), requires_grad=True), seeds=range(2), sizes=SHORT)
    _same(lambda T, n: T.randn([n]), seeds=range(2), sizes=SHORT)
    # a transposed view is filled in memory order, and a non-contiguous one takes the one-by-one normal path
    _same(lambda T, n: T.zeros(3, n).t().uniform_(), seeds=range(2), sizes=SHORT)
    _same(lambda T, n: T.zeros(n, 20).t().normal_(), seeds=range(2), sizes=SHORT)


def test_a_generator_object_is_its_own_stream():
    for T in (aw, torch):
        T.manual_seed(7)
    g, h = aw.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    for fn in (lambda T, G: T.rand(5, generator=G), lambda T, G: T.randn(20, generator=G),
               lambda T, G: T.randn(3, generator=G, dtype=T.float64), lambda T, G: T.randperm(9, generator=G),
               lambda T, G: T.randint(0, 9, (4,), generator=G), lambda T, G: T.empty(6).normal_(generator=G),
               lambda T, G: T.empty(6).uniform_(generator=G), lambda T, G: T.empty(4).bernoulli_(0.5, generator=G),
               lambda T, G: T.multinomial(T.ones(5), 2, generator=G), lambda T, G: T.rand(2)):
        assert np.array_equal(_bits(fn(aw, g)), _bits(fn(torch, h)))
    assert g.initial_seed() == h.initial_seed() == 3
    assert aw.Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    assert str(aw.Generator().device) == str(torch.Generator().device) == "cpu"


def test_state_round_trip_and_pytorch_layout():
    for T in (aw, torch):
        T.manual_seed(11)
    states = [T.get_rng_state() for T in (aw, torch)]
    assert np.array_equal(_bits(states[0]), _bits(states[1])) and str(states[0].dtype) == "torch.uint8"
    for T in (aw, torch):
        T.randn(3, dtype=T.float64)    # leaves a cached normal in the state
        T.rand(700)                    # past a twist of the Mersenne state
    states = [T.get_rng_state() for T in (aw, torch)]
    assert np.array_equal(_bits(states[0]), _bits(states[1]))
    after = [_bits(T.randn(5, dtype=T.float64)) for T in (aw, torch)]
    aw.set_rng_state(aw.tensor(states[1].numpy()))   # PyTorch's state, loaded into ours
    assert np.array_equal(_bits(aw.randn(5, dtype=aw.float64)), after[1])
    g = aw.Generator()
    g.set_state(states[0])
    assert np.array_equal(_bits(aw.randn(5, dtype=aw.float64, generator=g)), after[0])


def test_seeds_as_pytorch_reads_them():
    for seed in (-1, 2 ** 64 - 1, 2 ** 40 + 5, 1.0):
        for T in (aw, torch):
            T.manual_seed(seed)
        assert aw.initial_seed() == torch.initial_seed()
        assert np.array_equal(_bits(aw.rand(4)), _bits(torch.rand(4)))
    with pytest.raises(ValueError, match="Overflow when unpacking long"):
        aw.manual_seed(2 ** 64)
    assert isinstance(aw.random.seed(), int) and aw.manual_seed(0) is aw.random.default_generator


def test_fork_rng_restores_the_default_stream():
    aw.manual_seed(5)
    with aw.random.fork_rng():
        aw.rand(10)
    torch.manual_seed(5)
    assert np.array_equal(_bits(aw.rand(3)), _bits(torch.rand(3)))


def test_empty_and_zero_dimensional_draws():
    _same(lambda T, n: T.rand(0), seeds=range(1), sizes=[1])
    _same(lambda T, n: T.randn(()), seeds=range(2), sizes=[1, 2, 3])
    _same(lambda T, n: T.randint(3, ()), seeds=range(2), sizes=[1, 2])
    _same(lambda T, n: T.multinomial(T.tensor([1., 0.]), 2), seeds=range(2), sizes=[1, 2])


def test_errors_say_what_pytorch_says():
    cases = [(lambda T: T.randint(5, 5, (2,)), RuntimeError), (lambda T: T.empty(2).uniform_(2, 1), RuntimeError),
             (lambda T: T.empty(2).normal_(0, -1), RuntimeError), (lambda T: T.multinomial(T.ones(2), 3), RuntimeError),
             (lambda T: T.Generator().set_state(T.zeros(10, dtype=T.uint8)), RuntimeError),
             (lambda T: T.Generator().set_state(T.zeros(5056)), TypeError),
             (lambda T: T.rand(2, dtype=T.int64), NotImplementedError),
             (lambda T: T.randn(2, dtype=T.int64), NotImplementedError),
             (lambda T: T.zeros(2, dtype=T.int64).exponential_(), RuntimeError),
             (lambda T: T.empty(2).exponential_(-1), RuntimeError), (lambda T: T.empty(2).bernoulli_(1.5), RuntimeError),
             (lambda T: T.bernoulli(T.tensor([1.5])), RuntimeError),
             (lambda T: T.normal(T.zeros(2), T.tensor([-1., 1.])), RuntimeError),
             (lambda T: T.multinomial(T.tensor([0., 0.]), 1), RuntimeError),
             (lambda T: T.multinomial(T.tensor([1., -1.]), 1), RuntimeError),
             (lambda T: T.multinomial(T.tensor([1., 0.]), 0), RuntimeError)]
    for make, exc in cases:
        with pytest.raises(exc) as theirs:
            make(torch)
        with pytest.raises(exc) as ours:
            make(aw)
        assert str(ours.value).split("\n\n")[0] == str(theirs.value)
