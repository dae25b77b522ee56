"""torch.random: PyTorch's CPU generator (a 32-bit Mersenne Twister), its seeding and its state.

A `Generator` holds the engine (the backend's host MT19937, seeded as `std::mt19937(seed)`, which is
PyTorch's `at::mt19937`) and the one cached normal sample PyTorch keeps between calls. Every random
function draws from one of these, on the host, so `manual_seed(s)` gives PyTorch's CPU numbers. A tensor
asked for on 'cuda' gets those same host numbers, moved: PyTorch's CUDA generator (Philox) gives others.
"""
import contextlib
import os

from . import backend as B
from . import dtypes, errors
from .device import device as _device_cls
from .tensor import Tensor

H = B.namespace("cpu")  # the host namespace: draws are made there
_N = 624                                     # words of Mersenne Twister state
_STATE_BYTES = 5056                          # sizeof(CPUGeneratorImplState) in PyTorch
_DEFAULT_SEED = 67280421310721               # a new torch.Generator()'s seed


def _seed_value(seed):
    """`seed` as the unsigned 64-bit number PyTorch stores (negative seeds wrap, as in PyTorch)."""
    seed = int(seed)
    if not -(1 << 63) <= seed < (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFF_FFFF_FFFF_FFFF


class Generator:
    """torch.Generator: the state of one CPU random stream (`device='cuda'` is accepted; see the module doc)."""

    def __init__(self, device="cpu"):
        self.device = _device_cls(device)
        self._set_seed(_DEFAULT_SEED)

    def _set_seed(self, seed):
        self._seed = seed
        self._engine = B.mt19937(seed & 0xFFFF_FFFF)  # at::mt19937 keeps the low 32 bits only
        self._fresh = True           # seeded and not drawn from: PyTorch's state then says next = 0
        self._normal = None          # the cached second Box-Muller sample (double), or None
        self._normal_float = None    # PyTorch's float cache (no CPU kernel fills it; kept in the state)

    def manual_seed(self, seed):
        self._set_seed(_seed_value(seed))
        return self

    def seed(self):
        """Seed with a non-deterministic 64-bit number, and return it."""
        value = int.from_bytes(os.urandom(8), "little")
        self._set_seed(value)
        return value

    def initial_seed(self):
        return self._seed

    # --- the stream --------------------------------------------------------------------------
    def _random(self, n):
        """The next `n` 32-bit outputs (PyTorch's `random()`), as a host uint64 array."""
        self._fresh = False
        return self._engine.random_raw(int(n))

    def _random64(self, n):
        """The next `n` 64-bit outputs (`random64()`: two 32-bit draws, the first the high half)."""
        words = self._random(2 * int(n))
        return (words[0::2] << H.uint64(32)) | words[1::2]

    # --- state ---------------------------------------------------------------------------------
    def get_state(self):
        """The state as PyTorch lays it out: a uint8 tensor of 5056 bytes."""
        mt = self._engine.state["state"]
        pos = int(mt["pos"])
        buf = H.zeros(_STATE_BYTES, dtype=H.uint8)
        head = H.array([self._seed, (625 - pos) | (1 << 32), 0 if self._fresh else pos], dtype=H.uint64)
        buf[:24] = head.view(H.uint8)
        buf[24:24 + 8 * _N] = mt["key"].astype(H.uint64).view(H.uint8)
        if self._normal is not None:
            buf[5024:5032] = H.array([self._normal], dtype=H.float64).view(H.uint8)
            buf[5040] = 1
        if self._normal_float is not None:
            buf[5048:5052] = H.array([self._normal_float], dtype=H.float32).view(H.uint8)
            buf[5052] = 1
        return Tensor._make(buf)

    def set_state(self, new_state):
        data = getattr(new_state, "_data", None)
        if data is None or data.dtype != dtypes.uint8.array_dtype:
            raise TypeError("RNG state must be a torch.ByteTensor")
        buf = B.to_host(data).reshape(-1)
        if buf.size != _STATE_BYTES:
            raise errors.runtime(f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG "
                                 f"state size to be {buf.size}",
                                 "Pass a state that get_state() / torch.get_rng_state() returned.")
        buf = buf.copy()
        seed, left_seeded, nxt = (int(v) for v in buf[:24].view(H.uint64))
        left, seeded = left_seeded & 0xFFFF_FFFF, left_seeded >> 32
        if not (seeded and 0 < left <= _N and nxt <= _N):
            raise errors.runtime("Invalid mt19937 state",
                                 "The state's words are not a Mersenne Twister state; pass one get_state() made.")
        self._seed = seed
        self._engine.state = {"bit_generator": "MT19937",
                              "state": {"key": buf[24:24 + 8 * _N].view(H.uint64).astype(H.uint32),
                                        "pos": 625 - left}}
        self._fresh = left == 1 and nxt == 0
        self._normal = float(buf[5024:5032].view(H.float64)[0]) if buf[5040] else None
        self._normal_float = float(buf[5048:5052].view(H.float32)[0]) if buf[5052] else None
        return self

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


default_generator = Generator()
default_generator.seed()  # PyTorch 2.13 seeds its default generator non-deterministically at start


def _get(generator):
    """The generator a random function draws from (`generator=None`: the default one)."""
    return default_generator if generator is None else generator


def manual_seed(seed):
    """Seed the default generator; returns it."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None):
    """Restore the default generator's state on leaving the block."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
