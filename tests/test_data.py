"""torch.utils.data: batches, their order and the random draws behind shuffles, against PyTorch."""
import collections
import inspect
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from raised import raised
from autograd_widgets.utils import data

torch = pytest.importorskip("torch")
import torch.utils.data  # noqa: E402  (PyTorch loads it lazily)


def _plain(x):
    """A batch as nested plain values that say what each part is (tensor dtype included)."""
    if isinstance(x, (aw.Tensor, torch.Tensor)):
        return ("tensor", str(x.dtype).replace("torch.", ""), tuple(x.shape), x.tolist())
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__,) + tuple(_plain(v) for v in x)
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_plain(v) for v in x])
    return x


def _xy(lib, n=10):
    x = lib.arange(n * 3, dtype=lib.float32).reshape(n, 3)
    return x, lib.arange(n) * 10


def _batches(lib, make_dataset, **kwargs):
    loader = lib.utils.data.DataLoader(make_dataset(lib), **kwargs)
    return len(loader), [_plain(b) for b in loader]


def _tensor_dataset(lib):
    return lib.utils.data.TensorDataset(*_xy(lib))


@pytest.mark.parametrize("kwargs", [dict(), dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                    dict(batch_size=5, drop_last=True), dict(batch_size=20), dict(batch_size=None)])
def test_sequential_batches_are_pytorch_s(kwargs):
    assert _batches(aw, _tensor_dataset, **kwargs) == _batches(torch, _tensor_dataset, **kwargs)


Point = collections.namedtuple("Point", "x y")
EXAMPLES = {
    "floats": [1.5, 2.25, -3.0],
    "ints": [1, 2, 3],
    "bools": [True, False, True],
    "strings": ["a", "bb", "c"],
    "dicts": [{"x": i * 0.5, "label": i, "name": f"n{i}"} for i in range(3)],
    "tuples": [(i, float(i), [i, i + 1]) for i in range(3)],
    "lists": [[i, 2 * i] for i in range(3)],
    "namedtuples": [Point(i, float(i)) for i in range(3)],
    "numpy arrays": [np.full(2, i, dtype=np.float32) for i in range(3)],
    "numpy float64 arrays": [np.full((2, 2), i, dtype=np.float64) for i in range(3)],
    "numpy scalars": [np.float32(i) for i in range(3)],
    "numpy ints": [np.int64(i) for i in range(3)],
}


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_default_collate_is_pytorch_s(kind):
    examples = EXAMPLES[kind]
    assert _plain(data.default_collate(examples)) == _plain(torch.utils.data.default_collate(examples))
    assert _batches(aw, lambda lib: examples, batch_size=2) == _batches(torch, lambda lib: examples, batch_size=2)


def test_tensor_examples_are_stacked():
    def dataset(lib):
        return [(lib.tensor([1.0, float(i)]), lib.tensor(i)) for i in range(4)]
    assert _batches(aw, dataset, batch_size=3) == _batches(torch, dataset, batch_size=3)


def test_default_convert_without_batching():
    examples = [np.arange(3), (np.float64(2.0), 5), {"a": np.ones(2)}]
    for ex in examples:
        assert _plain(data.default_convert(ex)) == _plain(torch.utils.data.default_convert(ex))


class Squares:
    """A Dataset subclass as learners write them, for either library."""

    def __init__(self, lib, n=7):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.lib.tensor([float(i)]), i * i


def test_custom_dataset_subclass():
    """A user's Dataset subclass batches as in PyTorch: same batches, same order, same collated tensors."""
    def make(lib):
        cls = type("SquaresDataset", (Squares, lib.utils.data.Dataset), {})
        return cls(lib)
    assert _batches(aw, make, batch_size=3) == _batches(torch, make, batch_size=3)


def test_iterable_dataset():
    """A stream whose iterator draws its order at once: after the loader's seed draw, as in PyTorch."""
    def run(lib, **kwargs):
        class Stream(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter(lib.randperm(7).tolist())
        lib.manual_seed(1)
        return [_plain(b) for b in lib.utils.data.DataLoader(Stream(), **kwargs)]
    for kwargs in (dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)):
        assert run(aw, **kwargs) == run(torch, **kwargs)


def test_subset_and_concat():
    """Subset picks the given indices and `ds + sub` concatenates (lengths, negative indices) as PyTorch does."""
    def run(lib):
        ds = lib.utils.data.TensorDataset(*_xy(lib))
        sub = lib.utils.data.Subset(ds, [4, 1, 7])
        both = ds + sub
        return [_plain(sub[i]) for i in range(len(sub))] + [len(both), _plain(both[11]), _plain(both[-1])]
    assert run(aw) == run(torch)


ERRORS = [
    lambda lib: lib.utils.data.TensorDataset(lib.zeros(3, 2), lib.zeros(4)),
    lambda lib: lib.utils.data.DataLoader(_tensor_dataset(lib), batch_size=0),
    lambda lib: lib.utils.data.DataLoader(_tensor_dataset(lib), shuffle=True,
                                          sampler=lib.utils.data.SequentialSampler(range(3))),
    lambda lib: lib.utils.data.DataLoader(_tensor_dataset(lib), batch_size=4,
                                          batch_sampler=[[0, 1]]),
    lambda lib: lib.utils.data.DataLoader(_tensor_dataset(lib), batch_size=None, drop_last=True),
    lambda lib: lib.utils.data.DataLoader(_tensor_dataset(lib), num_workers=-1),
    lambda lib: setattr(lib.utils.data.DataLoader(_tensor_dataset(lib)), "batch_size", 3),
    lambda lib: lib.utils.data.random_split(_tensor_dataset(lib), [3, 3]),
    lambda lib: lib.utils.data.random_split(_tensor_dataset(lib), [1.5, -0.5]),
    lambda lib: lib.utils.data.RandomSampler(range(3), num_samples=0),
    lambda lib: lib.utils.data.WeightedRandomSampler([[0.5, 0.5]], 2),
    lambda lib: lib.utils.data.default_collate([object(), object()]),
    lambda lib: lib.utils.data.default_collate([[1, 2], [3]]),
]


@pytest.mark.parametrize("make", ERRORS)
def test_errors_are_pytorch_s(make):
    expected = raised(lambda: make(torch))
    assert expected is not None
    assert raised(lambda: make(aw)) == expected


# --- random order: needs PyTorch's random-number stream (torch.manual_seed, Generator, randperm) -------------

def _epochs(lib, seed, epochs=3, with_generator=False, **kwargs):
    """Batches of a few epochs after manual_seed, then the next random numbers (the generator's state after)."""
    lib.manual_seed(seed)
    generator = lib.Generator().manual_seed(seed + 100) if with_generator else None
    loader = lib.utils.data.DataLoader(_tensor_dataset(lib), generator=generator, **kwargs)
    batches = [[_plain(b) for b in loader] for _ in range(epochs)]
    return batches, lib.rand(3).tolist()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("kwargs", [dict(batch_size=3, shuffle=True), dict(batch_size=4, shuffle=True, drop_last=True),
                                    dict(batch_size=3, shuffle=False), dict(batch_size=2, shuffle=True,
                                                                              with_generator=True)])
def test_shuffled_batches_are_pytorch_s(seed, kwargs):
    assert _epochs(aw, seed, **kwargs) == _epochs(torch, seed, **kwargs)


def test_breaking_off_an_epoch_draws_as_pytorch():
    def run(lib):
        lib.manual_seed(3)
        loader = lib.utils.data.DataLoader(_tensor_dataset(lib), batch_size=2, shuffle=True)
        first = _plain(next(iter(loader)))
        return first, [_plain(b) for b in loader], lib.rand(2).tolist()
    assert run(aw) == run(torch)


@pytest.mark.parametrize("lengths", [[3, 7], [5, 0, 5], [0.5, 0.5], [0.3, 0.3, 0.4], [0.25, 0.75], [1 / 3] * 3])
def test_random_split_is_pytorch_s(lengths):
    def run(lib, generator):
        lib.manual_seed(5)
        g = lib.Generator().manual_seed(42) if generator else None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parts = lib.utils.data.random_split(_tensor_dataset(lib), lengths, **({"generator": g} if g else {}))
        return [p.indices for p in parts], [str(w.message) for w in caught], lib.rand(2).tolist()
    for generator in (False, True):
        assert run(aw, generator) == run(torch, generator)


def test_samplers_are_pytorch_s():
    def run(lib):
        lib.manual_seed(11)
        d = lib.utils.data
        replaced = list(d.RandomSampler(range(10), replacement=True, num_samples=40))
        longer = list(d.RandomSampler(range(5), num_samples=12))
        subset = list(d.SubsetRandomSampler([10, 20, 30, 40]))
        batches = list(d.BatchSampler(d.RandomSampler(range(7)), 3, drop_last=False))
        weighted = list(d.WeightedRandomSampler([0.1, 0.5, 2.0, 0.0, 1.0], 12))
        unique = list(d.WeightedRandomSampler([0.1, 0.5, 2.0, 3.0, 1.0], 4, replacement=False))
        return replaced, longer, subset, batches, weighted, unique, lib.rand(2).tolist()
    assert run(aw) == run(torch)


def test_loader_with_its_own_sampler_or_batch_sampler():
    def run(lib):
        d = lib.utils.data
        lib.manual_seed(4)
        by_sampler = [_plain(b) for b in d.DataLoader(_tensor_dataset(lib), batch_size=2,
                                                      sampler=d.SubsetRandomSampler([1, 3, 5, 7, 9]))]
        batches = d.BatchSampler(d.RandomSampler(range(10)), batch_size=4, drop_last=True)
        loader = d.DataLoader(_tensor_dataset(lib), batch_sampler=batches)
        return by_sampler, len(loader), [_plain(b) for b in loader], lib.rand(2).tolist()
    assert run(aw) == run(torch)


def test_training_loop_with_shuffled_batches_matches_pytorch():
    """The loop learners write: DataLoader(shuffle=True), a model of plain tensors, SGD with momentum."""
    rng = np.random.default_rng(0)
    x_np, w_np = rng.standard_normal((40, 3)).astype(np.float32), rng.standard_normal((3, 1)).astype(np.float32)

    def run(lib):
        lib.manual_seed(0)
        x = lib.tensor(x_np)
        y = x @ lib.tensor([[1.0], [-2.0], [0.5]]) + 0.3
        w, b = lib.tensor(w_np, requires_grad=True), lib.zeros(1, requires_grad=True)
        opt = lib.optim.SGD([w, b], lr=0.05, momentum=0.9)
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, y), batch_size=8, shuffle=True)
        losses = []
        for _ in range(5):
            for xb, yb in loader:
                loss = ((xb @ w + b - yb) ** 2).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
        return losses, w.tolist()
    (mine, w_mine), (theirs, w_theirs) = run(aw), run(torch)
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w_mine, w_theirs, rtol=1e-5, atol=1e-6)


def test_utils_data_resolves_from_the_package():
    import autograd_widgets.utils.data as d
    assert aw.utils.data is d and d.DataLoader is data.DataLoader
    assert inspect.signature(d.random_split).parameters["generator"].default is aw.default_generator
    with pytest.raises(AttributeError, match="does not support 'torch.utils.data.DistributedSampler'"):
        d.DistributedSampler


@pytest.mark.parametrize("case", ["requires_grad", "subclass", "collate_fn", "ints_and_bools"])
def test_batches_of_tensor_datasets_agree_whatever_way_they_are_fetched(case):
    """A plain TensorDataset is fetched with one gather per tensor; subclasses, own collate_fns and tensors that
    require grad go example by example. Every way gives PyTorch's batches, graphs included."""
    def run(lib):
        x = lib.arange(12, dtype=lib.float64).reshape(6, 2).requires_grad_(case == "requires_grad")
        y = lib.tensor([1, 0, 1, 1, 0, 0], dtype=lib.bool) if case == "ints_and_bools" else lib.arange(6)
        dataset = lib.utils.data.TensorDataset(x, y)
        if case == "subclass":
            class Doubled(lib.utils.data.TensorDataset):
                def __getitem__(self, i):
                    return tuple(t[i] * 2 for t in self.tensors)
            dataset = Doubled(x, y)
        collate = (lambda b: [len(b)] + list(lib.utils.data.default_collate(b))) if case == "collate_fn" else None
        lib.manual_seed(3)
        loader = lib.utils.data.DataLoader(dataset, batch_size=4, shuffle=True, collate_fn=collate)
        batches = list(loader)
        names = [type(b[0].grad_fn).__name__ if isinstance(b[0], lib.Tensor) and b[0].grad_fn else None
                 for b in batches]
        return [_plain(b) for b in batches], names
    assert run(aw) == run(torch)
