"""DataLoader: batches of a dataset's examples, in the order (and from the random draws) PyTorch's loader uses."""
import warnings

from ._collate import default_collate, default_convert
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, draw_seed


def get_worker_info():
    """None: this loader reads every batch in the main process."""
    return None


class DataLoader:
    """Iterate over `dataset` in batches: `for xb, yb in DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True)`.

    Loading always runs in this process (num_workers only selects PyTorch's seed draws, which do not depend on it).
    """

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset, self.num_workers, self.pin_memory, self.timeout = dataset, num_workers, pin_memory, timeout
        self.worker_init_fn, self.prefetch_factor = worker_init_fn, prefetch_factor
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last = batch_size, drop_last
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.generator = generator
        if collate_fn is None:  # batches (from a batch sampler, or a stream's batch_size) are collated
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._initialized = True

    def __setattr__(self, attr, val):
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                          "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    @property
    def _index_sampler(self):
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __iter__(self):
        return _DataLoaderIter(self)

    def __len__(self) -> int:
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is None:
                return length
            return length // self.batch_size if self.drop_last else -(-length // self.batch_size)
        return len(self._index_sampler)


class _DataLoaderIter:
    """One pass over the loader (PyTorch's _SingleProcessDataLoaderIter)."""

    def __init__(self, loader: DataLoader) -> None:
        if loader.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", stacklevel=3)
        self._loader = loader
        self._collate_fn = loader.collate_fn
        self._gathers = _gathers_whole_batches(loader)
        if not loader._iterable:
            self._batches = iter(loader._index_sampler)
        # PyTorch draws a base seed for worker processes at the start of every pass, even without workers:
        # the draw moves the generator on, so later random numbers depend on it.
        draw_seed(loader.generator)  # the worker base seed: unused here, but the draw must happen
        if loader._iterable:  # PyTorch's fetcher starts the dataset's iterator after that draw
            self._batches = _stream_batches(iter(loader.dataset), loader.batch_size, loader.drop_last)

    def __iter__(self):
        return self

    def __next__(self):
        loader = self._loader
        index = next(self._batches)
        if loader._iterable:
            data = index
        elif self._gathers:
            return [tensor[index] for tensor in loader.dataset.tensors]
        elif loader.batch_sampler is None:
            data = loader.dataset[index]
        elif callable(getattr(loader.dataset, "__getitems__", None)):
            data = loader.dataset.__getitems__(index)
        else:
            data = [loader.dataset[i] for i in index]
        return self._collate_fn(data)

    def __len__(self) -> int:
        return len(self._loader)


def _gathers_whole_batches(loader: DataLoader) -> bool:
    """True where one gather per tensor gives what stacking the batch's examples one by one gives.

    Holds for a plain TensorDataset under the default collate when nothing requires grad (then no graph
    could tell a stack from a gather); it saves a Python-level `tensor[i]` per example.
    """
    return (type(loader.dataset) is TensorDataset and loader.batch_sampler is not None
            and loader.collate_fn is default_collate
            and not any(t.requires_grad for t in loader.dataset.tensors))


def _stream_batches(iterator, batch_size, drop_last):
    """Batches (lists of examples) read from an IterableDataset's iterator; single examples without batch_size."""
    if batch_size is None:
        yield from iterator
        return
    while True:
        batch = []
        for example in iterator:
            batch.append(example)
            if len(batch) == batch_size:
                break
        if not batch or (drop_last and len(batch) < batch_size):
            return
        yield batch
