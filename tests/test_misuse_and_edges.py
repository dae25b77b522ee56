"""Edge cases and misuses (issue 10, §2-§4), each run under PyTorch and autograd_widgets.

A row is (name, program). A program takes the library `T` and returns what it shows a learner: values,
gradients, node names or printed text. The test runs it under both libraries and compares; where PyTorch
raises, we must raise the same exception type with the same words before our "[autograd_widgets]"
explanation, and where PyTorch is silent NumPy must not warn.
"""
import warnings

import pytest

import autograd_widgets as aw
from graph_names import levels
from raised import raised

torch = pytest.importorskip("torch")


def _show(v):
    """What a result looks like, comparable across libraries."""
    if isinstance(v, (aw.Tensor, torch.Tensor)):
        fn = type(v.grad_fn).__name__ if v.grad_fn is not None else None
        return ("tensor", str(v.dtype), tuple(v.shape), repr(v.detach().tolist()), v.requires_grad, fn)
    if isinstance(v, (list, tuple)):
        return tuple(_show(x) for x in v)
    if isinstance(v, float) and v != v:
        return "nan"
    return v


def _rg(T, *v):
    return T.tensor(list(v) if len(v) != 1 else v[0], requires_grad=True)


def _grad_of(T, fn, *v):
    x = _rg(T, *v)
    y = fn(T, x)
    y.sum().backward() if y.dim() else y.backward()
    return _show(y), _show(x.grad)


def _scalar_dim(T):
    x = _rg(T, 2.0)
    y = x.sum(dim=0) + x.mean(0) + x.norm(dim=0) + x.transpose(0, 0) + x.softmax(0) + x.sum(-1)
    g, = T.autograd.grad(y, x, create_graph=True)
    gg, = T.autograd.grad(g, x)
    return _show(y), _show(g), _show(gg), levels(y)


def _softmax_double_backward_0d(T):
    x = _rg(T, 2.0)
    g, = T.autograd.grad(x.softmax(0) * x, x, create_graph=True)
    return _show(g), _show(T.autograd.grad(g, x)[0])


def _where_scalars(T):
    c = T.tensor([True, False])
    return _show(T.where(c, 1.0, 0.0)), _show(T.where(c, 1, 0)), _show(T.where(c, _rg(T, 1., 2.), 0.0))


def _empty_softmax(T):
    x = T.zeros(2, 0, requires_grad=True)
    y = x.softmax(1)
    y.sum().backward()
    return _show(y), _show(x.grad), _show(T.zeros(0, 3).softmax(0))


def _empty_shapes(T):
    x = T.zeros(0, 3, requires_grad=True)
    y = x.flatten()
    m1 = T.zeros(2, 0) @ T.zeros(0, 3)
    m2 = T.zeros(0, 2) @ T.zeros(2, 3)
    s = x.sum() + x.sum(0).sum()
    s.backward()
    return _show(y), _show(m1), _show(m2), _show(s), _show(x.grad), _show(T.zeros(0).mean())


def _view_after_index(T):
    x = T.arange(6.).reshape(2, 3)[[1, 0]]
    return _show(x.view(6)), _show(x[:, [0, 2]].view(-1))


def _written_to_expanded(T):
    x = T.zeros(1).expand(3)
    x.add_(1)


def _setitem_expanded(T):
    x = T.zeros(1, 3).expand(2, 3)
    x[0] = 1.0


def _written_to_expanded_ok(T):
    x = T.zeros(3).expand(1, 3)  # no element repeated: fine
    x.add_(1)
    return _show(x)


def _many_repr(T, xs):
    return [repr(x) for x in xs]


def _max_grad_graph(T):
    x = _rg(T, 1., 3., 3.)
    g, = T.autograd.grad(x.max() ** 2, x, create_graph=True)
    return _show(g), levels(g), _show(T.autograd.grad(g.sum(), x)[0])



def _maximum_grad_graph(T):
    x, y = _rg(T, 1., 2., 3.), _rg(T, 2., 2., 2.)
    gx, gy = T.autograd.grad((T.maximum(x, y) * T.minimum(x, y)).sum(), (x, y), create_graph=True)
    return _show(gx), _show(gy), levels(gx), levels(gy), _show(T.autograd.grad((gx * gy).sum(), x)[0])


ROWS = [
    # §2 crashes on valid code
    ("dim on 0-d", _scalar_dim),
    ("softmax double backward 0-d", _softmax_double_backward_0d),
    ("where with python scalars", _where_scalars),
    ("softmax over empty dim", _empty_softmax),
    ("empty flatten/matmul/sum/mean", _empty_shapes),
    ("max over empty dim", lambda T: T.zeros(2, 0).max(1)),
    ("max over empty dim ok", lambda T: _show(T.zeros(0, 2).max(1))),
    ("view after advanced indexing", _view_after_index),
    ("add_ on expanded", _written_to_expanded),
    ("setitem on expanded", _setitem_expanded),
    ("add_ on expanded without repeats", _written_to_expanded_ok),
    ("int ** negative int", lambda T: T.tensor([2, 3]) ** -1),
    ("int ** negative int tensor", lambda T: (_show(T.tensor([2, 3, -1, 1, -1]) ** T.tensor([-1, 2, -3, -2, -2])),
                                             _show(2 ** T.tensor([-1, 3])))),
    ("int ** non-negative int", lambda T: _show(T.tensor([2, 3]) ** 2)),
    ("bool ** bool", lambda T: (_show(T.tensor([True, False]) ** T.tensor([False, False])),
                                repr(T.tensor([True, False]) ** T.tensor([True, True])))),
    # §3 misuses worded as PyTorch words them
    ("cat of nothing", lambda T: T.cat([])),
    ("stack of nothing", lambda T: T.stack([])),
    ("permute duplicate", lambda T: T.zeros(2, 3).permute(0, 0)),
    ("sum duplicate dims", lambda T: T.zeros(2, 3).sum((0, 0))),
    ("sum duplicate negative dims", lambda T: T.zeros(2, 3).sum((1, -1))),
    ("mean duplicate dims", lambda T: T.zeros(2, 3).mean((0, 0))),
    ("negate bool", lambda T: -T.tensor([True])),
    ("neg bool", lambda T: T.tensor([True]).neg()),
    ("mT of 1-d", lambda T: T.zeros(3).mT),
    ("mT of 0-d", lambda T: _show(T.tensor(1.).mT)),
    ("index 0-d", lambda T: T.tensor(1.)[0]),
    ("index 0-d slice", lambda T: T.tensor(1.)[0:1]),
    ("bool of empty", lambda T: bool(T.zeros(0))),
    ("bool of many", lambda T: bool(T.zeros(2))),
    ("if on many", lambda T: 1 if T.zeros(2) else 0),
    ("float of many", lambda T: float(T.zeros(2))),
    ("int of many", lambda T: int(T.zeros(2))),
    ("float of empty", lambda T: float(T.zeros(0))),
    ("item of many", lambda T: T.zeros(2).item()),
    ("grad without inputs", lambda T: T.autograd.grad(_rg(T, 1., 2.) * 2, [])),
    ("grad grad_outputs list", lambda T: (lambda x: T.autograd.grad(x * 2, x, grad_outputs=[1., 1.]))(_rg(T, 1., 2.))),
    ("backward gradient list", lambda T: (_rg(T, 1., 2.) * 2).backward(gradient=[1., 1.])),
    ("expand smaller", lambda T: T.zeros(3).expand(2)),
    ("expand mismatch", lambda T: T.zeros(2, 3).expand(2, 4)),
    ("expand fewer dims", lambda T: T.zeros(2, 3).expand(3)),
    ("expand fewer dims int", lambda T: T.zeros(2, 3, dtype=T.int64).expand(3)),
    ("expand mismatch dim 0", lambda T: T.zeros(2, 3).expand(4, 3)),
    ("expand mismatch both", lambda T: T.zeros(2, 3).expand(4, 4)),
    ("expand mismatch new dims", lambda T: T.zeros(2, 3).expand(1, 2, 5)),
    ("view incompatible size", lambda T: T.zeros(2, 3).view(4)),
    ("view incompatible size -1", lambda T: T.zeros(2, 3).view(4, -1)),
    ("reshape incompatible", lambda T: T.zeros(2, 3).reshape(5)),
    ("reshape two -1", lambda T: T.zeros(2, 3).reshape(-1, -1)),
    ("view two -1", lambda T: T.zeros(2, 3).view(-1, -1)),
    ("squeeze out of range", lambda T: T.zeros(2, 1).squeeze(3)),
    ("unsqueeze out of range", lambda T: T.zeros(2, 1).unsqueeze(5)),
    ("index out of range", lambda T: T.zeros(3)[5]),
    ("index out of range negative", lambda T: T.zeros(3)[-4]),
    ("index out of range dim 1", lambda T: T.zeros(2, 3)[0, 7]),
    ("index out of range after None", lambda T: T.zeros(2, 3, 4)[None, 1, 5]),
    ("index out of range after ellipsis", lambda T: T.zeros(2, 3, 4)[0, ..., 9]),
    ("index 0-d with a tuple", lambda T: T.tensor(1.)[0, 0]),
    ("index 0-d with an int tensor", lambda T: T.tensor(1.)[T.tensor(0)]),
    ("too many indices", lambda T: T.zeros(3)[0, 0]),
    ("transpose out of range", lambda T: T.zeros(3).transpose(0, 2)),
    ("sum dim out of range", lambda T: T.zeros(3).sum(1)),
    ("cat dim mismatch", lambda T: T.cat([T.zeros(2, 3), T.zeros(2, 4)])),
    ("cat rank mismatch", lambda T: T.cat([T.zeros(2, 3), T.zeros(3)])),
    ("stack shape mismatch", lambda T: T.stack([T.zeros(2), T.zeros(3)])),
    ("matmul mismatch", lambda T: T.zeros(2, 3) @ T.zeros(2, 3)),
    ("matmul 0-d", lambda T: T.tensor(1.) @ T.zeros(2)),
    ("add shape mismatch", lambda T: T.zeros(2) + T.zeros(3)),
    ("bool 0-d ** bool", lambda T: _show(T.tensor(True) ** True)),
    ("bool ** int", lambda T: _show(T.tensor([True, False]) ** 2)),
    ("int ** negative int 0-d", lambda T: T.tensor(2) ** -2),
    ("permute duplicate negative", lambda T: T.zeros(2, 3).permute(1, -1)),
    ("permute wrong count", lambda T: T.zeros(2, 3).permute(0)),
    ("sum dims 0-d", lambda T: _show(T.tensor(2.).sum((0, -1)))),
    ("sum dim 0-d out of range", lambda T: T.tensor(2.).sum(1)),
    ("mean int", lambda T: T.tensor([1, 2]).mean()),
    ("softmax dim 0-d out of range", lambda T: T.tensor(2.).softmax(1)),
    ("max dim 0-d", lambda T: _show(T.tensor(2.).max(0))),
    # found by tests/test_fuzz_pytorch.py
    ("sign and abs of 0-d", lambda T: (_grad_of(T, lambda T, x: x.sign() + x.abs(), 2.),
                                      _grad_of(T, lambda T, x: x.sign() * x.abs(), float("nan")))),
    ("max() gradient graph under create_graph", _max_grad_graph),
    ("maximum/minimum gradient graph under create_graph", _maximum_grad_graph),
    ("x ** 0 sends a NaN gradient zero", lambda T: (lambda x: (T.autograd.grad(x ** 0, x, T.tensor(float("nan")),
                                                                               create_graph=True)))(_rg(T, 2.))),
    ("mm shapes checked before dtypes", lambda T: T.zeros(2, 3) @ T.zeros(2, 3, dtype=T.float64)),
    ("folded matmul shapes checked before dtypes", lambda T: T.zeros(2, 2, 1) @ T.zeros(2, 1, dtype=T.float64)),
    ("mv shapes checked before dtypes", lambda T: T.zeros(2, 3) @ T.zeros(2, dtype=T.float64)),
    ("dot dtypes checked before shapes", lambda T: T.zeros(2) @ T.zeros(3, dtype=T.float64)),
    ("assign at an index of a 0-d int tensor", lambda T: T.tensor(1).__setitem__(0, 3.)),
    ("assign at a slice of a 0-d tensor", lambda T: T.tensor(1.).__setitem__(slice(0, 1), 3.)),
    ("batched matmul with size-0 dims", lambda T: _grad_of(T, lambda T, x: x.reshape(0, 0, 0) @ T.zeros(0, 2), [])),
    ("sign of bool", lambda T: _show(T.tensor([True, False]).sign())),
    ("abs of bool", lambda T: T.tensor([True]).abs()),
    ("relu of bool", lambda T: T.tensor([True]).relu()),
    ("bool tensor minus a number", lambda T: T.tensor([True]) - 1),
    ("number minus a bool tensor", lambda T: 1.0 - T.tensor([True])),
    ("bool tensor minus a Python bool", lambda T: T.tensor([True]) - True),
    ("float minus a bool tensor", lambda T: T.tensor([1.], requires_grad=True) - T.tensor(True)),
    ("bool tensor minus a bool tensor", lambda T: T.tensor([True]) - T.tensor([False])),
    ("sub of bool with alpha", lambda T: T.tensor([1.]).sub(T.tensor([True]), alpha=2)),
    ("rsub of bool", lambda T: T.rsub(T.tensor([True]), 1)),
    ("norm of int", lambda T: T.tensor([3, 4]).norm()),
    ("norm of bool", lambda T: T.tensor([True]).norm(dim=0)),
    ("argmax empty", lambda T: T.zeros(0).argmax()),
    ("max empty", lambda T: T.zeros(0).max()),
    ("min over empty dim", lambda T: T.zeros(3, 0).min(-1)),
    ("cat 0-d", lambda T: T.cat([T.tensor(1.), T.tensor(2.)])),
    ("cat tuple of empty 1-d", lambda T: _show(T.cat([T.tensor([]), T.tensor([])]))),
    ("cat empty 1-d with 2-d", lambda T: _show(T.cat([T.zeros(2, 2), T.tensor([])], 1))),
    ("stack 0-d", lambda T: _show(T.stack([T.tensor(1.), T.tensor(2.)]))),
    ("view -1 of empty", lambda T: T.zeros(0, 3).view(-1, 0)),
    ("reshape empty", lambda T: _show(T.zeros(0, 3).reshape(3, 0))),
    ("reshape -1 of empty", lambda T: T.zeros(0, 3).reshape(0, -1)),
    ("reshape -1 of empty to 1-d", lambda T: _show(T.zeros(0, 3).reshape(-1))),
    ("flatten 0-d", lambda T: _show(T.tensor(1.).flatten())),
    ("squeeze 0-d dim 0", lambda T: _show(T.tensor(1.).squeeze(0))),
    ("unsqueeze 0-d", lambda T: _show(T.tensor(1.).unsqueeze(-1))),
    ("t of 3-d", lambda T: T.zeros(2, 2, 2).t()),
    ("T of 0-d", lambda T: _show(T.tensor(1.).T)),
    ("item of empty", lambda T: T.zeros(0).item()),
    ("int of float 0-d", lambda T: int(T.tensor(2.7))),
    ("bool of 0-d", lambda T: bool(T.tensor(0.))),
    ("len of 0-d", lambda T: len(T.tensor(1.))),
    ("iterate 0-d", lambda T: list(T.tensor(1.))),
    ("backward twice scalar gradient shape", lambda T: (_rg(T, 1., 2.) * 2).backward(T.ones(3))),
    ("backward of a non-scalar", lambda T: (_rg(T, 1., 2.) * 2).backward()),
    ("backward without grad", lambda T: T.ones(2).sum().backward()),
    ("matmul 1-d mismatch", lambda T: T.zeros(2) @ T.zeros(3)),
    ("matmul empty inner", lambda T: _show(T.zeros(2, 0) @ T.zeros(0))),
    ("mm 1-d", lambda T: T.mm(T.zeros(2), T.zeros(2))),
    ("expand -1 on new dim", lambda T: T.zeros(3).expand(-1, 3)),
    ("view after transpose", lambda T: T.zeros(2, 3).t().view(6)),
    ("where shape mismatch", lambda T: T.where(T.tensor([True, False]), T.zeros(3), 0.)),
    ("index with float", lambda T: T.zeros(3)[1.5]),
    ("index list out of range", lambda T: T.zeros(3)[[0, 5]]),
    ("mask wrong shape", lambda T: T.zeros(3)[T.tensor([True, False])]),
    ("mask wrong shape at dim 1", lambda T: T.zeros(2, 3)[:, T.tensor([True, False])]),
    ("mask after a position", lambda T: T.zeros(2, 3)[0, T.tensor([True])]),
    ("2-d mask wrong shape", lambda T: T.zeros(2, 3)[T.tensor([[True, False]])]),
    ("where shape mismatch other", lambda T: T.where(T.tensor([True, False]), 0., T.zeros(3))),
    ("where shape mismatch 2-d", lambda T: T.where(T.ones(2, 1) > 0, T.zeros(1, 3), T.zeros(4, 1))),
    ("setitem wrong shape", lambda T: T.zeros(3).__setitem__(slice(0, 2), T.ones(3))),
    ("add_ broadcast to bigger", lambda T: T.zeros(3).add_(T.ones(2, 3))),
    ("in-place int from float", lambda T: T.zeros(3, dtype=T.int64).add_(1.5)),
    ("requires_grad on int", lambda T: T.tensor([1, 2], requires_grad=True)),
    ("requires_grad_ on int", lambda T: T.tensor([1, 2]).requires_grad_()),
    ("grad of non-leaf", lambda T: _show((_rg(T, 1., 2.) * 2).grad)),
    ("numpy of requires_grad", lambda T: _rg(T, 1., 2.).numpy()),
    ("tensor from ragged list", lambda T: T.tensor([[1, 2], [3]])),
    ("tensor from string", lambda T: T.tensor("a")),
    ("tensor from list of strings", lambda T: T.tensor(["a"])),
    ("tensor from ragged rows", lambda T: T.tensor([[1], [2, 3]])),
    ("tensor from ragged deep", lambda T: T.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]])),
    ("arange zero step", lambda T: T.arange(0, 5, 0)),
    ("zeros negative size", lambda T: T.zeros(-1)),
    ("zeros negative size 2-d", lambda T: T.zeros(2, -1)),
    ("ones negative size", lambda T: T.ones(-1)),
    ("empty negative size", lambda T: T.empty(2, -1)),
    ("full negative size", lambda T: T.full((2, -3), 1.)),
    ("chunk zero", lambda T: T.zeros(4).chunk(0)),
    ("split size zero", lambda T: _show(T.zeros(0).split(1))),
    # §3 no NumPy RuntimeWarning where PyTorch is silent
    ("quiet log", lambda T: _show(T.tensor([-1., 0., 1.]).log())),
    ("quiet log backward", lambda T: _grad_of(T, lambda T, x: x.log(), -1., 0.)),
    ("quiet division", lambda T: _show(T.tensor([1., 0., -1.]) / T.tensor([0., 0., 0.]))),
    ("quiet division backward", lambda T: _grad_of(T, lambda T, x: 1 / x, 0., 1.)),
    ("quiet sqrt", lambda T: _grad_of(T, lambda T, x: x.sqrt(), -1., 0.)),
    ("quiet exp overflow", lambda T: _grad_of(T, lambda T, x: x.exp(), 1000., 0.)),
    ("quiet pow", lambda T: _grad_of(T, lambda T, x: x ** 0.5, -2., 0.)),
    ("quiet pow of negative base", lambda T: _show(T.tensor([-8.]) ** T.tensor([1 / 3]))),
    ("quiet log of tensor 0", lambda T: _grad_of(T, lambda T, x: x.log2() + x.log10() + x.log1p(), 0., -2.)),
    ("quiet reciprocal rsqrt", lambda T: _grad_of(T, lambda T, x: x.reciprocal() + x.rsqrt(), 0., -1.)),
    ("quiet 0/0 int", lambda T: _show(T.tensor([0]) / T.tensor([0]))),
    ("quiet float64 overflow", lambda T: _show(T.tensor([1e308], dtype=T.float64) * 10)),
    ("quiet float32 overflow", lambda T: _show(T.tensor([3e38]) * 10)),
    ("quiet tanh/sigmoid large", lambda T: _grad_of(T, lambda T, x: x.sigmoid() + x.tanh(), -1000., 1000.)),
    # §4 printing
    ("repr empty", lambda T: _many_repr(T, [T.tensor([]), T.zeros(0, dtype=T.int64), T.zeros(0, dtype=T.bool),
                                            T.zeros(0, 3), T.zeros(2, 0, dtype=T.int64), T.zeros(0, 3, dtype=T.bool),
                                            T.zeros(0, dtype=T.float64), T.zeros(0, 2, dtype=T.float64)])),
    ("repr empty requires grad", lambda T: _many_repr(T, [T.zeros(0, requires_grad=True),
                                                          T.zeros(0, 3, requires_grad=True) * 2])),
    ("repr magnitudes", lambda T: _many_repr(T, [T.tensor([1e-8, 1.]), T.tensor([1e10, 1.]), T.tensor([123456789.]),
                                                 T.tensor([0.1, 1e5]), T.tensor([1e-5, 1e-4]), T.tensor(1e20),
                                                 T.tensor([float('inf'), 1e-9]), T.tensor([1e-9, float('nan')])])),
]


def _under_printoptions(T, **options):
    xs = [T.tensor([1e-8, 1.]), T.tensor([1.5, 2.25]), T.tensor([100., 2.]), T.zeros(0), T.tensor(3.14159),
          T.tensor([1e10, 1.]), T.tensor([1, 2]), T.tensor([[0.001, 1000.]])]
    T.set_printoptions(**options)
    try:
        return [repr(x) for x in xs]
    finally:
        T.set_printoptions(profile="default")


def _cat_mixed(T):
    a, b = _rg(T, 1., 2.), T.tensor([3., 4.], dtype=T.float64, requires_grad=True)
    y, z = T.cat([a, b]), T.stack([a, b])
    (y.sum() + z.sum()).backward()
    return _show(y), levels(y), levels(z), _show(a.grad), _show(b.grad)


def _setitem_whole(T):
    x = _rg(T, 1., 2.)
    y = T.zeros(2)
    y[:] = x * 2
    z = T.zeros(2)
    z[...] = x
    return levels(y), levels(z)


def _setitem_names(T):
    x = _rg(T, [[1., 2., 3.], [4., 5., 6.]])
    out = []
    for index in [slice(0, 2), (slice(None), slice(None)), (Ellipsis, slice(None)), (slice(None), 0)]:
        y = T.zeros(2, 3)
        y[index] = x[:, 0] * 2 if index == (slice(None), 0) else x * 2
        out.append(levels(y))
    return out


def _getitem_names(T):
    x = _rg(T, [[1., 2., 3.], [4., 5., 6.]])
    return [levels(x[i]) for i in [slice(0, 2), slice(0, 5), slice(None, None, 1), (slice(None), slice(0, 3, 1)),
                                   (0, slice(0, 3)), slice(None), (Ellipsis,)]]


def _cat_mixed_create_graph(T):
    a, b = _rg(T, 1., 2.), T.tensor([3., 4.], dtype=T.float64, requires_grad=True)
    y = (T.cat([a, b]) ** 2).sum() + (T.stack([a, b]) ** 2).sum()
    ga, gb = T.autograd.grad(y, [a, b], create_graph=True)
    return _show(ga), _show(gb), levels(ga), levels(gb)


def _mask_0d(T):
    x = _rg(T, 3.)
    y = x[T.tensor(True)]
    w = x[T.tensor(False)]
    y.sum().backward()
    return _show(y), _show(w), levels(y), _show(x.grad)


def _create_graph_names(T):
    x, w = _rg(T, 1., 2.), _rg(T, 3., 4.)
    out = []
    for f in (lambda: (x / w).sum(), lambda: x.sum(), lambda: (x * w).sum(), lambda: x.mean(), lambda: (w / 2).sum()):
        gs = T.autograd.grad(f(), [x, w], create_graph=True, allow_unused=True)
        out.append([levels(g) if g is not None and g.grad_fn is not None else None for g in gs])
    return out


def _create_graph_more(T):
    x, w = _rg(T, [[1., 2.], [3., 4.]]), _rg(T, [5., 6.])
    c = T.tensor([2., 3.])
    out = []
    programs = [lambda: (x / w).sum(), lambda: (x / c).sum(), lambda: (2 / x).sum(), lambda: (x / 2).sum(),
                lambda: x.sum(1).pow(2).sum(), lambda: x.sum(0, keepdim=True).exp().sum(), lambda: x.mean(1).sum(),
                lambda: (x.sum() * w).sum(), lambda: (x * x).mean(), lambda: (w / x).sum()]
    for f in programs:
        gs = T.autograd.grad(f(), [x, w], create_graph=True, allow_unused=True)
        out.append([levels(g) if g is not None and g.grad_fn is not None else _show(g) for g in gs])
    return out


def _setitem_broadcast(T):
    x = _rg(T, [[1., 2., 3.], [4., 5., 6.]])
    y, z = T.zeros(2, 3), T.zeros(2, 3)
    y[None] = x * 2
    z[0] = x[1] * 2
    w = T.zeros(2, 3)
    w[:, :] = x[0] * 2  # broadcast from (3,)
    return levels(y), levels(z), levels(w)


def _assigned_names(index, value):
    def program(T):
        x = _rg(T, [[1., 2., 3.], [4., 5., 6.]])
        y = T.zeros(2, 3)
        y[index] = value(x)
        return levels(y)
    return program


def _fill_whole(T):
    x, y = _rg(T, 1., 2.), _rg(T, 3., 4.)
    z = y * 1
    z[...] = x.sum() * 2
    (z * T.tensor([1., 10.])).sum().backward()
    return levels(z), _show(z), _show(x.grad), _show(y.grad)


def _cat_empty_1d(T):
    x, e = _rg(T, 1., 2.), T.tensor([], requires_grad=True)
    y = T.cat([x, e])
    y.sum().backward()
    return _show(y), _show(e.grad), _show(x.grad)


ROWS += [
    ("printoptions sci_mode True", lambda T: _under_printoptions(T, sci_mode=True)),
    ("printoptions sci_mode False", lambda T: _under_printoptions(T, sci_mode=False)),
    ("printoptions precision 2", lambda T: _under_printoptions(T, precision=2)),
    ("printoptions precision 6 sci", lambda T: _under_printoptions(T, precision=6, sci_mode=True)),
    ("printoptions precision 0 no sci", lambda T: _under_printoptions(T, precision=0, sci_mode=False)),
    ("printoptions linewidth/edgeitems", lambda T: _under_printoptions(T, linewidth=30, edgeitems=1, threshold=4)),
    ("repr mixed values", lambda T: _many_repr(T, [T.tensor([-1.5, float('nan'), float('-inf'), 0.]),
                                                   T.tensor([[-1, 20], [300, -4000]]), T.tensor([[True], [False]]),
                                                   T.tensor([1e-4, 1.]), T.tensor([9.99e-5, 1.]), T.tensor([1e8, 1.]),
                                                   T.tensor([1e8 + 8, 1.]), T.tensor([0.5, 500.]),
                                                   T.tensor([0.5, 501.]), T.tensor([[1e-10]], dtype=T.float64),
                                                   T.arange(2000.).reshape(40, 50), T.tensor([float('nan')])])),
    # §4 node names
    ("mixed-dtype cat/stack", _cat_mixed),
    ("setitem covering the whole tensor", _setitem_whole),
    ("0-d mask index", _mask_0d),
    ("assignment region names", _setitem_names),
    ("basic index names", _getitem_names),
    ("mixed-dtype cat/stack double backward", _cat_mixed_create_graph),
    ("create_graph gradient graphs", _create_graph_names),
    ("cat with empty 1-d", _cat_empty_1d),
    ("create_graph gradient graphs of div, sum, mean", _create_graph_more),
    ("assignment that broadcasts", _setitem_broadcast),
    ("assign a 0-d tensor to a row", _assigned_names((0,), lambda x: x.sum())),
    ("assign a 0-d tensor to a column slice", _assigned_names((slice(None), 0), lambda x: x[0, :2].sum())),
    ("assign a 0-d tensor to the whole of a non-leaf", _fill_whole),
    ("assign at a list index", _assigned_names([0, 1], lambda x: x[0] * 2)),
    ("assign a 0-d tensor to the whole tensor", _assigned_names(slice(None), lambda x: x.sum())),
    ("assign at a slice and a list", _assigned_names((slice(None), [0, 2]), lambda x: x[:, 1:2] * 2)),
    # operators and methods given what is no tensor operand
    ("== None and != None", lambda T: (T.ones(2) == None, T.ones(2) != None)),  # noqa: E711 - the operator is tested
    ("== a string", lambda T: T.ones(2) == "a"),
    ("< None", lambda T: T.ones(2) < None),
    ("@ a list", lambda T: T.ones(2) @ [1., 2.]),
    ("list @ tensor", lambda T: [1., 2.] @ T.ones(2)),
    # refused by both with a TypeError; the words are Python's here ("got an unexpected keyword argument")
    ("one-variable method with out=", lambda T: raised(lambda: T.ones(2).exp(out=T.ones(2)))[0].__name__),
]


def _run(T, program):
    """What `program` shows under library T: (result, warnings) or ("raises", type name, words, warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        box = []
        err = raised(lambda: box.append(program(T)))
    said = sorted({w.category.__name__ for w in caught if issubclass(w.category, RuntimeWarning)})
    if err is not None:
        return ("raises", err[0].__name__, err[1], said)
    return (_show(box[0]), said)


# Rows that still differ, each with why; strict, so a fix shows up as an unexpected pass to remove here.
STILL_DIFFERENT = {
    "assign at a slice and a list": "PyTorch runs index_put_ on the sliced part (IndexPutBackward0); we use CopySlices",
}


@pytest.mark.parametrize("program", [
    pytest.param(p, marks=pytest.mark.xfail(reason=STILL_DIFFERENT[n], strict=True)) if n in STILL_DIFFERENT else p
    for n, p in ROWS], ids=[n for n, _ in ROWS])
def test_same_as_pytorch(program):
    """Each program shows the same values, gradients, node names, text, errors and warnings under both."""
    assert _run(aw, program) == _run(torch, program)
