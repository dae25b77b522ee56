"""Random tensors: torch.rand, randn, randint, randperm, normal, bernoulli, multinomial, the *_like forms,
and the in-place Tensor.uniform_/normal_/random_/bernoulli_/exponential_, with PyTorch's CPU values.

Values are drawn on the host by `sampling` from a `random.Generator`, then placed where the tensor lives.
"""
import math

from . import backend as B
from . import dtypes, errors, sampling
from .creation import _finish, checked_size, empty, empty_like, refuse_negative
from .device import type_of as _device_type
from .grad_mode import GradMode
from .random import _get
from .size_args import int_like, keyword_size, sizes, type_name
from .tensor import Tensor

H = B.namespace("cpu")


def _new(host, shape, dtype, device, requires_grad):
    return _finish(B.asarray(host.reshape(shape), device=_device_type(device)), requires_grad)


def _float_dtype(dtype):
    return dtype or dtypes.default_float()


def _need_float(dtype, kernel):
    if not dtype.is_floating_point:
        raise NotImplementedError(errors._explain(f'"{kernel}" not implemented for \'{dtypes.scalar_name(dtype)}\'',
                                                  "This draws real numbers: give a floating-point dtype."))


# --- factories ---------------------------------------------------------------------------------
_NO_SIZE = ("{}() received an invalid combination of arguments - got (), but expected one of:\n"
            " * (tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, "
            "torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
            " * (tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
            "torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n")


def _factory_size(name, size, kw, bare=False):
    """The shape of a factory call; PyTorch's other keywords (layout, pin_memory) are accepted, others refused.
    `bare`: called with no keyword at all, where PyTorch words a missing size differently."""
    keyword = kw.pop("size", None)
    if keyword is None and not size and bare and not kw:
        raise errors.type_error(_NO_SIZE.format(name), f"torch.{name} needs the shape of the tensor to make, e.g. "
                                f"torch.{name}(2, 3).")
    for accepted in ("layout", "pin_memory"):
        kw.pop(accepted, None)
    if kw:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kw))}'")
    return refuse_negative(checked_size(name, size) if keyword is None else keyword_size(name, keyword))


def _bare(generator, dtype, device, requires_grad):
    return generator is None and dtype is None and device is None and not requires_grad


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, **kw):
    shape = _factory_size("rand", size, kw, _bare(generator, dtype, device, requires_grad))
    d = _float_dtype(dtype)
    _need_float(d, "check_uniform_bounds")
    vals = sampling.uniform(_get(generator), math.prod(shape), d.array_dtype)
    return _new(vals, shape, d, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, **kw):
    shape = _factory_size("randn", size, kw, _bare(generator, dtype, device, requires_grad))
    d = _float_dtype(dtype)
    _need_float(d, "normal_kernel_cpu")
    vals = sampling.normal(_get(generator), math.prod(shape), d.array_dtype)
    return _new(vals, shape, d, device, requires_grad)


def randint(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False, low=None, high=None):
    """randint(high, size) or randint(low, high, size), keywords too."""
    args = list(args)
    if size is None and (len(args) > 1 or args and isinstance(args[-1], (tuple, list))):
        size = args.pop()
    position = len(args) + 1  # of size, for PyTorch's words
    if high is None:
        high = args.pop() if args else None
    if low is None:
        low = args.pop() if args else 0
    if high is None or size is None:
        raise TypeError("randint() missing required arguments: 'high' and 'size'")
    shape = refuse_negative(sizes("randint", (size,), position=position, varargs=False))
    d = dtype or dtypes.int64
    _check_range(int(low), int(high))
    vals = sampling.random_from_to(_get(generator), math.prod(shape), d.array_dtype, int(low), int(high))
    return _new(vals, shape, d, device, requires_grad)


def _check_range(low, high):
    if low >= high:
        raise errors.runtime(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}",
                             "randint draws from [low, high): high must be larger than low.")


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    if not int_like(n):
        raise errors.type_error(f"randperm(): argument 'n' (position 1) must be int, not {type_name(n)}",
                                "randperm(n) shuffles the whole numbers 0 .. n-1: n is a count.")
    d = dtype or dtypes.int64
    vals = sampling.randperm(_get(generator), int(n)).astype(d.array_dtype)
    return _new(vals, (int(n),), d, device, requires_grad)


def rand_like(input, *, generator=None, dtype=None, device=None, requires_grad=False):
    return rand(tuple(input.shape), generator=generator, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, *, generator=None, dtype=None, device=None, requires_grad=False):
    return randn(tuple(input.shape), generator=generator, dtype=dtype or input.dtype,
                 device=device or input.device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), generator=generator, dtype=dtype or input.dtype,
                   device=device or input.device, requires_grad=requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """All of torch.normal's forms: tensor mean and/or std (shapes broadcast), or floats with a size."""
    tm, ts = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (tm or ts):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments: a float mean and std need size")
        out = empty(*sizes("normal", (size,), position=3, varargs=False), dtype=_float_dtype(dtype), device=device)
        return _finish(out.normal_(mean, std, generator=generator)._data, requires_grad)
    like = mean if tm else std
    shape = H.broadcast_shapes(tuple(mean.shape) if tm else (), tuple(std.shape) if ts else ())
    if ts and bool((std._data < 0).any()):
        raise errors.runtime("normal expects all elements of std >= 0.0",
                             "A standard deviation cannot be negative.")
    out = empty(shape, dtype=like.dtype, device=like.device)  # (one tuple: a 0-d shape too)
    if tm and not ts:  # ATen: fill N(0, std), then add the means
        out.normal_(0.0, std, generator=generator)
        data = out._data + mean._data
    else:              # ATen: fill N(0, 1), then out.mul_(std).add_(mean)
        out.normal_(0.0, 1.0, generator=generator)
        data = out._data * (std._data if ts else std)
        data = data + (mean._data if tm else mean)
    # (0-d arrays multiply into NumPy scalars: asarray makes the result an array again)
    return _finish(B.ns(out._data).asarray(data, dtype=like._data.dtype), requires_grad)


def bernoulli(input, p=None, *, generator=None):
    out = empty_like(input)
    return out.bernoulli_(input if p is None else p, generator=generator)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    probs = B.to_host(input._data)
    rows = probs.reshape(1, -1) if probs.ndim == 1 else probs
    _check_multinomial(rows, num_samples, replacement)
    vals = sampling.multinomial(_get(generator), rows, int(num_samples), replacement)
    shape = (num_samples,) if probs.ndim == 1 else (rows.shape[0], num_samples)
    return _new(vals, shape, dtypes.int64, input.device, False)


def _check_multinomial(rows, num_samples, replacement):
    def fail(msg, why):
        raise errors.runtime(msg, why)
    if num_samples <= 0:
        fail("cannot sample n_sample <= 0 samples", "Ask for at least one sample.")
    if not replacement and num_samples > rows.shape[-1]:
        fail("cannot sample n_sample > prob_dist.size(-1) samples without replacement",
             "Without replacement each category can be drawn once: ask for fewer samples or set replacement=True.")
    if not bool(H.isfinite(rows).all()) or bool((rows < 0).any()):
        fail("probability tensor contains either `inf`, `nan` or element < 0",
             "multinomial takes non-negative, finite weights.")
    if bool((rows.sum(axis=-1) <= 0).any()):
        fail("invalid multinomial distribution (sum of probabilities <= 0)",
             "Each row needs at least one positive weight.")


# --- in-place methods ----------------------------------------------------------------------------
def _write(self, host):
    """Put n drawn values into self in memory order (the order ATen's TensorIterator walks), in place."""
    self._check_inplace()
    if GradMode.enabled and self._rg:
        raise NotImplementedError("autograd_widgets: a random in-place fill of a tensor that is part of a graph "
                                  "is not supported; do it under torch.no_grad().")
    data = self._data
    host = host.astype(data.dtype)
    if not _contiguous(data):
        offsets = sum(H.arange(n).reshape([-1 if d == k else 1 for d in range(data.ndim)]) * (st // data.itemsize)
                      for k, (n, st) in enumerate(zip(data.shape, data.strides)))
        order = H.argsort(H.broadcast_to(offsets, data.shape).reshape(-1), kind="stable")
        placed = H.empty_like(host)
        placed[order] = host
        host = placed
    data[...] = B.asarray(host.reshape(data.shape), device=B.device_of(data))
    self._bump()
    return self


def _contiguous(data):
    return data.size <= 1 or bool(data.flags.c_contiguous)


def uniform_(self, from_=0, to=1, *, generator=None, **kw):
    from_ = kw.pop("from", from_)
    _need_float(self.dtype, "check_uniform_bounds")
    if from_ > to:
        raise errors.runtime(f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}",
                             "Give the lower bound first.")
    return _write(self, sampling.uniform(_get(generator), self.numel(), self._data.dtype, from_, to))


def normal_(self, mean=0, std=1, *, generator=None):
    _need_float(self.dtype, "normal_kernel_cpu")
    if std < 0:
        raise errors.runtime(f"normal expects std >= 0.0, but found std {std}",
                             "A standard deviation cannot be negative.")
    return _write(self, sampling.normal(_get(generator), self.numel(), self._data.dtype, mean, std,
                                        _contiguous(self._data)))


def random_(self, *args, generator=None, **kw):
    """random_(), random_(to), random_(from, to) with to=None meaning the dtype's top."""
    gen, n, dt = _get(generator), self.numel(), self._data.dtype
    frm, to = kw.get("from", None), kw.get("to", None)
    if len(args) == 1:
        to = args[0]
    elif len(args) == 2:
        frm, to = args
    if frm is None and to is None:
        return _write(self, sampling.random_default(gen, n, dt))
    frm = 0 if frm is None else int(frm)
    if to is None:
        if dt == dtypes.int64.array_dtype and frm == -(1 << 63):
            return _write(self, sampling.random_full(gen, n, dt))
        to = _top(self) + 1
    _check_range(frm, int(to))
    return _write(self, sampling.random_from_to(gen, n, dt, frm, int(to)))


def _top(self):
    name = self.dtype.name
    return {"float32": 1 << 24, "float64": 1 << 53, "float16": 1 << 11}.get(name, sampling._INT_MAX.get(name))


def bernoulli_(self, p=0.5, *, generator=None):
    gen = _get(generator)
    if isinstance(p, Tensor):
        probs = H.broadcast_to(B.to_host(p._data), tuple(self.shape))
        if bool(((probs < 0) | (probs > 1)).any()):
            raise errors.runtime("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                                 "message be improved?  If so, please report an enhancement request to PyTorch.)",
                                 "Every probability must lie in [0, 1].")
        return _write(self, sampling.bernoulli_tensor(gen, probs, self._data.dtype))
    if not 0 <= p <= 1:
        raise errors.runtime(f"bernoulli_ expects p to be in [0, 1], but got p={p}",
                             "A probability must lie in [0, 1].")
    return _write(self, sampling.bernoulli_scalar(gen, self.numel(), self._data.dtype, p))


def exponential_(self, lambd=1.0, *, generator=None):
    if not self.dtype.is_floating_point:
        raise errors.runtime("Exponential distribution is a continuous probability distribution. dtype must be a "
                             f"floating point but you specified {dtypes.scalar_name(self.dtype)}",
                             "exponential_ fills floating-point tensors.")
    if lambd <= 0:
        raise errors.runtime(f"exponential_ expects lambda > 0.0, but found lambda={lambd}",
                             "The rate of an exponential distribution must be positive.")
    return _write(self, sampling.exponential(_get(generator), self.numel(), self._data.dtype, lambd))


for _name in ("uniform_", "normal_", "random_", "bernoulli_", "exponential_"):
    setattr(Tensor, _name, globals()[_name])
Tensor.bernoulli = lambda self, p=None, *, generator=None: bernoulli(self, p, generator=generator)
Tensor.multinomial = lambda self, num_samples, replacement=False, *, generator=None: \
    multinomial(self, num_samples, replacement, generator=generator)
