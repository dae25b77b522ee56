"""Every differentiable op, as a table: (name, function of (T, *inputs), input shapes, input range).

`T` is the torch-like module (autograd_widgets or torch), so one table checks our gradients
against finite differences and against PyTorch. Ranges keep inputs away from kinks (relu,
abs, max at ties) and out of invalid domains (log, sqrt, pow of negatives).
"""
import os
import zlib

import numpy as np

DEVICE = os.environ.get("AUTOGRAD_WIDGETS_TEST_DEVICE", "cpu")
POS = (0.5, 2.0)       # for log, sqrt, pow bases, division
ANY = (-1.0, 1.0)
AWAY = (0.2, 1.0)      # |x| in this range with random sign: away from relu/abs kinks


def _setitem(T, x, y):
    z = x.clone()
    z[1:3] = y
    return z


def _mask(T, x):
    return x[x > 0]


def _inplace(T, x, y):
    z = x * 1
    z.add_(y)
    z.mul_(y)
    z.sub_(x)
    z.div_(y)
    return z


def _setitem_mask(T, x, y):
    z = x * 1
    z[x > 0] = 0.5      # a boolean mask: CopySlices, the masked elements get no gradient
    z[0] = y[1] * 2     # an int index, with a value that has its own graph
    return z


def _inplace_operators(T, x, y):
    z = x * 1
    z += y
    z -= 0.5
    z *= y
    z /= 2
    return z


def _inplace_on_views(T, x, y):
    z = x * 1
    z[:, 1].mul_(y[0])          # a column of a non-leaf: CopySlices over MulBackward0
    z[0].add_(y)                # a row, with a value that needs grad
    z.t()[2].sub_(y[1:4])       # through a transpose
    return z


def _setitem_through_views(T, x, y):
    z = x.sin()
    u = z[1]
    u[0] = y.sum()              # u[0] = v: a view of a view
    z[0][1:3] = y[:2] * 2
    return z * u[2]             # u, read after the writes: AsStridedBackward0


def _views_follow_their_base(T, x, y):
    z = x * x
    v = z[0]
    z[1].div_(y)                # a sibling changes: v's history now goes through CopySlices
    z.add_(1)                   # the base changes: so does v's value
    return v * z[2]


def _function2(T, x, y):
    class MulAdd(T.autograd.Function):
        """x * y + k, with a non-tensor argument k that gets no gradient."""
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.save_for_backward(a, b)
            return a * b + k

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * a, None
    return MulAdd.apply(x, y, 2.0)


def _function(T, x):
    class Cube(T.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a ** 3

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return 3 * a * a * g
    return Cube.apply(x)


CASES = [
    # name               function                                         shapes              range
    ("add",              lambda T, x, y: x + y,                           [(3, 4), (4,)],     ANY),
    ("add scalar",       lambda T, x: 2.5 + x + 1,                        [(3,)],             ANY),
    ("add alpha",        lambda T, x, y: T.add(x, y, alpha=3),            [(2, 3), (2, 3)],   ANY),
    ("sub",              lambda T, x, y: x - y,                           [(2, 1, 3), (4, 1)], ANY),
    ("rsub scalar",      lambda T, x: 2 - x,                              [(3,)],             ANY),
    ("mul",              lambda T, x, y: x * y,                           [(3, 1), (1, 4)],   ANY),
    ("mul scalar",       lambda T, x: 3 * x * 2,                          [(3,)],             ANY),
    ("div",              lambda T, x, y: x / y,                           [(3, 4), (4,)],     POS),
    ("rdiv scalar",      lambda T, x: 2 / x,                              [(3,)],             POS),
    ("neg",              lambda T, x: -x,                                 [(3,)],             ANY),
    ("pow scalar",       lambda T, x: x ** 3,                             [(3,)],             ANY),
    ("pow fraction",     lambda T, x: x ** 2.5,                           [(3,)],             POS),
    ("pow tensors",      lambda T, x, y: x ** y,                          [(3,), (3,)],       POS),
    ("pow scalar base",  lambda T, x: 2 ** x,                             [(3,)],             ANY),
    ("torch.pow",        lambda T, x: T.pow(x, 2),                        [(2, 2)],           ANY),
    ("exp",              lambda T, x: x.exp(),                            [(3,)],             ANY),
    ("log",              lambda T, x: x.log(),                            [(3,)],             POS),
    ("sin",              lambda T, x: T.sin(x),                           [(3,)],             ANY),
    ("cos",              lambda T, x: T.cos(x),                           [(3,)],             ANY),
    ("tanh",             lambda T, x: x.tanh(),                           [(3,)],             ANY),
    ("sigmoid",          lambda T, x: T.sigmoid(x),                       [(3,)],             ANY),
    ("relu",             lambda T, x: x.relu(),                           [(4,)],             AWAY),
    ("sqrt",             lambda T, x: x.sqrt(),                           [(3,)],             POS),
    ("abs",              lambda T, x: x.abs(),                            [(4,)],             AWAY),
    ("sum",              lambda T, x: x.sum(),                            [(2, 3)],           ANY),
    ("sum dim",          lambda T, x: x.sum(1),                           [(2, 3)],           ANY),
    ("sum dims keepdim", lambda T, x: T.sum(x, (0, 2), keepdim=True),     [(2, 3, 2)],        ANY),
    ("mean",             lambda T, x: x.mean(),                           [(2, 3)],           ANY),
    ("mean dim",         lambda T, x: x.mean(dim=0, keepdim=True),        [(2, 3)],           ANY),
    ("max",              lambda T, x: x.max(),                            [(5,)],             ANY),
    ("max dim",          lambda T, x: x.max(1)[0],                        [(2, 4)],           ANY),
    ("min",              lambda T, x: T.min(x),                           [(5,)],             ANY),
    ("min dim",          lambda T, x: x.min(dim=0, keepdim=True).values,  [(3, 2)],           ANY),
    ("norm",             lambda T, x: x.norm(),                           [(4,)],             AWAY),
    ("norm dim",         lambda T, x: x.norm(dim=1),                      [(2, 3)],           AWAY),
    ("norm p=1",         lambda T, x: x.norm(p=1),                        [(4,)],             AWAY),
    ("norm inf dim",     lambda T, x: T.norm(x, p=float("inf"), dim=0),   [(3, 2)],           ANY),
    ("norm p=3",         lambda T, x: x.norm(p=3),                        [(4,)],             AWAY),
    ("softmax",          lambda T, x: x.softmax(1),                       [(2, 3)],           ANY),
    ("log_softmax",      lambda T, x: T.log_softmax(x, dim=0),            [(3, 2)],           ANY),
    ("F.softmax",        lambda T, x: T.nn.functional.softmax(x, dim=-1), [(2, 3)],           ANY),
    ("F.relu",           lambda T, x: T.nn.functional.relu(x),            [(4,)],             AWAY),
    ("mse_loss",         lambda T, x, y: T.nn.functional.mse_loss(x, y),  [(2, 3), (2, 3)],   ANY),
    ("dot 1d@1d",        lambda T, x, y: x @ y,                           [(3,), (3,)],       ANY),
    ("matmul 2d@2d",     lambda T, x, y: x @ y,                           [(2, 3), (3, 4)],   ANY),
    ("matmul 1d@2d",     lambda T, x, y: T.matmul(x, y),                  [(3,), (3, 2)],     ANY),
    ("matmul 2d@1d",     lambda T, x, y: x @ y,                           [(2, 3), (3,)],     ANY),
    ("matmul 3d@3d",     lambda T, x, y: x @ y,                           [(2, 2, 3), (2, 3, 2)], ANY),
    ("matmul 3d@2d",     lambda T, x, y: x @ y,                           [(2, 2, 3), (3, 2)], ANY),
    ("mm",               lambda T, x, y: T.mm(x, y),                      [(2, 3), (3, 2)],   ANY),
    ("mv",               lambda T, x, y: T.mv(x, y),                      [(2, 3), (3,)],     ANY),
    ("view",             lambda T, x: x.view(3, 2) * 1,                   [(2, 3)],           ANY),
    ("reshape",          lambda T, x: x.reshape(-1),                      [(2, 3)],           ANY),
    ("reshape t",        lambda T, x: x.t().reshape(6),                   [(2, 3)],           ANY),
    ("squeeze",          lambda T, x: x.squeeze(),                        [(1, 3, 1)],        ANY),
    ("squeeze dim",      lambda T, x: x.squeeze(0),                       [(1, 3)],           ANY),
    ("unsqueeze",        lambda T, x: x.unsqueeze(1),                     [(3,)],             ANY),
    ("flatten",          lambda T, x: x.flatten(),                        [(2, 3)],           ANY),
    ("t",                lambda T, x: x.t(),                              [(2, 3)],           ANY),
    ("T",                lambda T, x: x.T,                                [(2, 3)],           ANY),
    ("transpose",        lambda T, x: x.transpose(0, 2),                  [(2, 3, 2)],        ANY),
    ("permute",          lambda T, x: x.permute(2, 0, 1),                 [(2, 3, 2)],        ANY),
    ("index int",        lambda T, x: x[1],                               [(3, 2)],           ANY),
    ("index slice",      lambda T, x: x[1:, ::2],                         [(3, 4)],           ANY),
    ("index list",       lambda T, x: x[[0, 2, 2]],                       [(3, 2)],           ANY),
    ("index mask",       _mask,                                           [(6,)],             AWAY),
    ("index pairs",      lambda T, x: x[[0, 1], [1, 0]],                  [(2, 2)],           ANY),
    ("setitem",          _setitem,                                        [(4,), (2,)],       ANY),
    ("stack",            lambda T, x, y: T.stack([x, y], dim=1),          [(3,), (3,)],       ANY),
    ("cat",              lambda T, x, y: T.cat([x, y], 0),                [(2, 2), (1, 2)],   ANY),
    ("in-place",         _inplace,                                        [(3,), (3,)],       POS),
    ("where",            lambda T, x, y: T.where(x > y, x, y),            [(4,), (4,)],       ANY),
    ("where scalar",     lambda T, x: T.where(x > 0, x, 0.5),             [(4,)],             AWAY),
    ("sign",             lambda T, x: x.sign() * x,                       [(4,)],             AWAY),
    ("clone",            lambda T, x: x.clone(),                          [(3,)],             ANY),
    ("expand",           lambda T, x: x.expand(2, 3) * 1,                 [(3,)],             ANY),
    ("Function",         _function,                                       [(3,)],             ANY),
    # Python scalars on either side, and the remaining Pow variants
    ("sub scalar",       lambda T, x: x - 2 - 0.5,                        [(3,)],             ANY),
    ("div scalar",       lambda T, x: x / 4,                              [(3,)],             ANY),
    ("pow negative",     lambda T, x: x ** -1.5,                          [(3,)],             POS),
    ("pow float base",   lambda T, x: 2.5 ** x,                           [(3,)],             ANY),
    ("pow broadcast",    lambda T, x, y: x ** y,                          [(2, 1), (3,)],     POS),
    ("reciprocal",       lambda T, x: x.reciprocal(),                     [(3,)],             POS),
    ("max binary",       lambda T, x, y: x.max(y),                        [(2, 3), (3,)],     ANY),
    # reductions along negative and several dims
    ("sum neg dim",      lambda T, x: x.sum(-1),                          [(2, 3)],           ANY),
    ("mean dims",        lambda T, x: T.mean(x, (0, -1)),                 [(2, 3, 2)],        ANY),
    ("max keepdim",      lambda T, x: x.max(dim=-1, keepdim=True)[0],     [(3, 4)],           ANY),
    ("norm keepdim",     lambda T, x: x.norm(dim=1, keepdim=True),        [(2, 3)],           AWAY),
    ("softmax 3d",       lambda T, x: T.softmax(x, dim=1),                [(2, 3, 2)],        ANY),
    ("F.log_softmax",    lambda T, x: T.nn.functional.log_softmax(x, 1),  [(2, 3)],           ANY),
    ("mse_loss sum",     lambda T, x, y: T.nn.functional.mse_loss(x, y, reduction="sum"), [(3,), (3,)], ANY),
    ("mse_loss none",    lambda T, x, y: T.nn.functional.mse_loss(x, y, reduction="none"), [(2, 2), (2, 2)], ANY),
    # matmul where one side has a batch: PyTorch folds, transposes or broadcasts
    ("matmul 3d@1d",     lambda T, x, y: x @ y,                           [(2, 2, 3), (3,)],  ANY),
    ("matmul 1d@3d",     lambda T, x, y: x @ y,                           [(3,), (2, 3, 2)],  ANY),
    ("matmul 2d@3d",     lambda T, x, y: x @ y,                           [(2, 3), (2, 3, 2)], ANY),
    ("matmul batch 1",   lambda T, x, y: x @ y,                           [(1, 2, 3), (2, 3, 2)], ANY),
    ("matmul 4d bcast",  lambda T, x, y: x @ y,                           [(2, 1, 2, 3), (3, 3, 2)], ANY),
    # shapes
    ("view 3d",          lambda T, x: x.view(-1, 2) * 1,                  [(2, 3, 2)],        ANY),
    ("reshape alias",    lambda T, x: x.t().reshape(3, 1, 2),             [(2, 3)],           ANY),
    ("flatten dims",     lambda T, x: x.flatten(1),                       [(2, 3, 2)],        ANY),
    ("squeeze dims",     lambda T, x: x.squeeze((0, 2)),                  [(1, 3, 1)],        ANY),
    ("unsqueeze neg",    lambda T, x: x.unsqueeze(-1),                    [(3,)],             ANY),
    ("mT",               lambda T, x: x.mT,                               [(2, 3, 2)],        ANY),
    ("index negative",   lambda T, x: x[-1, -2:],                         [(3, 4)],           ANY),
    ("index tensor",     lambda T, x: x[T.tensor([2, 0, 2], device=x.device)], [(3, 2)],      ANY),
    ("index None ...",   lambda T, x: x[None, ..., 1],                    [(2, 3)],           ANY),
    ("narrow",           lambda T, x: x.narrow(1, 1, 2),                  [(2, 3)],           ANY),
    ("setitem mask",     _setitem_mask,                                   [(4,), (2,)],       AWAY),
    ("stack dim -1",     lambda T, x, y: T.stack([x, y], -1),             [(2, 2), (2, 2)],   ANY),
    ("cat dim 1",        lambda T, x, y: T.cat([x, y], dim=1),            [(2, 1), (2, 3)],   ANY),
    ("in-place ops",     _inplace_operators,                              [(3,), (3,)],       POS),
    ("where broadcast",  lambda T, x, y: T.where(x > y, x, y),            [(3, 1), (4,)],     ANY),
    ("Function 2 inputs", _function2,                                     [(3,), (3,)],       ANY),
    ("mlp",              lambda T, x, w: (x @ w).tanh().sum(1).sigmoid(), [(2, 3), (3, 4)],   ANY),
    ("in-place on views", _inplace_on_views,                              [(3, 4), (4,)],     ANY),
    ("setitem via views", _setitem_through_views,                         [(3, 4), (4,)],     ANY),
    ("views follow base", _views_follow_their_base,                       [(3, 4), (4,)],     POS),
    ("unbind",           lambda T, x: x.unbind(1)[2] * x.unbind()[0][1],  [(3, 4)],           ANY),
    ("split chunk",      lambda T, x: T.cat([x.split(2, 1)[1], x.chunk(2, 1)[0]], 0) * 2, [(3, 4)], ANY),
    ("split sizes",      lambda T, x: (lambda a, b: a.sum(0) * b[1])(*T.split(x, [1, 2])), [(3, 2)], ANY),
]


# Rows for each family of ops live in their own table, so adding a family touches one file.
from op_cases_nn import CASES as _NN_CASES  # noqa: E402  nn.functional: layers and activations
from op_cases_loss import CASES as _LOSS_CASES  # noqa: E402  nn.functional: losses
from op_cases_forms import CASES as _FORMS_CASES  # noqa: E402  tensor ops tutorials use (clamp, in-place unary, ...)
from op_cases_modules import CASES as _MODULE_CASES  # noqa: E402  torch.nn modules: whole models
from op_cases_more import CASES as _MORE_CASES  # noqa: E402  amax, median, cumprod, atan2, lerp, roll, meshgrid, ...
from op_cases_linalg import CASES as _LINALG_CASES  # noqa: E402  matrix functions and torch.linalg
CASES = CASES + _NN_CASES + _LOSS_CASES + _FORMS_CASES + _MODULE_CASES + _MORE_CASES + _LINALG_CASES


def arrays(case, seed=0):
    """Random float64 inputs for `case`; AWAY draws magnitudes in range with a random sign."""
    name, _, shapes, (lo, hi) = case
    rng = np.random.default_rng(zlib.crc32(name.encode()) + seed)
    out = []
    for shape in shapes:
        a = rng.uniform(lo, hi, shape)
        if (lo, hi) == AWAY:
            a = a * rng.choice([-1.0, 1.0], shape)
        out.append(a)
    return out


def make(T, array, requires_grad=True):
    """A float64 leaf of module T holding `array`, on the test device for autograd_widgets."""
    kw = {"device": DEVICE} if DEVICE != "cpu" and T.__name__ == "autograd_widgets" else {}
    return T.tensor(array, dtype=T.float64, requires_grad=requires_grad, **kw)


def to_numpy(t):
    """A float64 NumPy copy of tensor t's values, from whatever device it lives on."""
    return np.asarray(t.numpy(force=True), dtype=np.float64)  # force: also PyTorch's ZeroTensors
