"""Forward-mode AD (autograd.forward_ad): dual tensors' tangents are Jacobian·tangent, as PyTorch's, over
the op table; the API's errors, printing and lifetime are PyTorch's; custom Functions' jvp; gradcheck's
check_forward_ad."""
import numpy as np
import pytest

import autograd_widgets as aw
import autograd_widgets.autograd.forward_ad as fwAD
from op_cases import CASES, arrays

IDS = [c[0] for c in CASES]


def _jvp_by_finite_differences(fn, xs, ts, eps=1e-6):
    plus = fn(aw, *[aw.tensor(x + eps * t) for x, t in zip(xs, ts)])
    minus = fn(aw, *[aw.tensor(x - eps * t) for x, t in zip(xs, ts)])
    return (plus.detach().numpy() - minus.detach().numpy()) / (2 * eps)


def _dual_run(T, fwd, fn, xs, ts):
    with fwd.dual_level():
        duals = [fwd.make_dual(T.tensor(x), T.tensor(t)) for x, t in zip(xs, ts)]
        out = fn(T, *duals)
        primal, tangent = fwd.unpack_dual(out)
        return primal.detach().numpy().copy(), None if tangent is None else tangent.detach().numpy().copy()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_tangents_are_jacobian_times_tangent(case):
    """Every op's forward-mode derivative against central differences of the op (float64)."""
    name, fn, _, _ = case
    xs = arrays(case)
    ts = [np.random.default_rng(7 + i).standard_normal(x.shape) for i, x in enumerate(xs)]
    try:
        value, tangent = _dual_run(aw, fwAD, fn, xs, ts)
    except NotImplementedError as e:  # a custom Function without jvp: PyTorch's error, as there
        assert str(e).startswith("You must implement the jvp function for custom autograd.Function"), (name, e)
        return
    want = _jvp_by_finite_differences(fn, xs, ts)
    assert np.allclose(value, fn(aw, *[aw.tensor(x) for x in xs]).detach().numpy())
    got = np.zeros_like(want) if tangent is None else tangent
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_tangents_agree_with_pytorch(case):
    torch = pytest.importorskip("torch")
    import torch.autograd.forward_ad as tfwAD
    name, fn, _, _ = case
    xs = arrays(case)
    ts = [np.random.default_rng(7 + i).standard_normal(x.shape) for i, x in enumerate(xs)]
    try:
        want = _dual_run(torch, tfwAD, fn, xs, ts)
    except (NotImplementedError, RuntimeError) as e:  # a custom Function without jvp: the same error here
        with pytest.raises(type(e)) as ours:
            _dual_run(aw, fwAD, fn, xs, ts)
        assert str(ours.value).splitlines()[0] == str(e).splitlines()[0]
        return
    got = _dual_run(aw, fwAD, fn, xs, ts)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12, atol=1e-12)
    assert (got[1] is None) == (want[1] is None)
    if want[1] is not None:
        np.testing.assert_allclose(got[1], want[1], rtol=1e-9, atol=1e-12)


# --- the API: errors, lifetime, printing ---------------------------------------------------------
def _misuses(T, fwd):
    p, t = T.tensor([1.0, 2.0, 3.0]), T.tensor([0.5, -1.0, 2.0])
    yield lambda: fwd.make_dual(p, t)                                   # no level
    yield lambda: fwd.exit_dual_level()                                 # none to exit
    with fwd.dual_level():
        d = fwd.make_dual(p, t)
        yield lambda: fwd.make_dual(d, t)                               # already dual
        yield lambda: fwd.make_dual(p, T.tensor([1.0, 2.0]))            # another size
        yield lambda: fwd.make_dual(T.tensor([1, 2, 3]), t)             # integer primal
        yield lambda: fwd.make_dual(p, T.tensor([1, 2, 3]))             # integer tangent
        yield lambda: fwd.enter_dual_level()                            # nested
        yield lambda: fwd.exit_dual_level(level=3)                      # not the last one


def test_misuses_raise_pytorchs_errors():
    torch = pytest.importorskip("torch")
    import torch.autograd.forward_ad as tfwAD
    for ours, theirs in zip(_misuses(aw, fwAD), _misuses(torch, tfwAD), strict=True):
        with pytest.raises(Exception) as want:
            theirs()
        with pytest.raises(type(want.value)) as got:
            ours()
        assert str(got.value).splitlines()[0] == str(want.value)


def _story(T, fwd):
    """What a learner prints along the forward-AD tutorial's first steps, and a few more ops."""
    out = []
    T.manual_seed(0)
    p, t = T.randn(3), T.randn(3)
    with fwd.dual_level() as level:
        d = fwd.make_dual(p, t)
        out += [level, repr(d), fwd.unpack_dual(d).tangent is t, d._base is p]
        out += [repr(fwd.make_dual(p, t.view(3, 1).expand(3, 3).t()[0]))]      # a tangent of another layout
        y = d.sin() * 2 + 1
        out += [repr(y), repr(d.sum()), repr(d.max()), repr(d.long()), fwd.unpack_dual(d.long()).tangent]
        out += [repr(d.view(3, 1)), repr(d.detach()), repr(T.stack([d, p]))]
        with T.no_grad():
            out += [repr(d * d)]
        w = d.clone()
        w.mul_(2)
        q = T.zeros(3)
        q.copy_(d)
        r = T.zeros(2, 3)
        r[1] = d
        r[0, 1:] += d[:2]
        z = d.clone()
        z.zero_()
        out += [repr(w), repr(q), repr(r), repr(z)]
        v, i = T.stack([d, d * 2]).max(0)
        out += [repr(v), repr(i)]
        pieces = d.split(2)
        out += [repr(pieces[0]), repr(pieces[1])]
        f = T.nn.functional.dropout(T.stack([d] * 4), 0.5)
        out += [repr(f), repr(T.rand(2))]                                     # one draw: the mask and tangent agree
        g = fwd.make_dual(T.randn(3, requires_grad=True), T.ones(3))
        h = (g * g).sum()
        h.backward()
        out += [repr(h.grad_fn.name()), repr(fwd.unpack_dual(h).tangent.detach())]
    out += [repr(y), fwd.unpack_dual(y).tangent, fwd.unpack_dual(d).tangent]
    return out


def test_a_learners_story_prints_what_pytorch_prints():
    torch = pytest.importorskip("torch")
    import torch.autograd.forward_ad as tfwAD
    want, got = _story(torch, tfwAD), _story(aw, fwAD)
    for w, g in zip(want, got, strict=True):
        assert g == w


def test_custom_function_jvp_and_gradcheck_forward_mode():
    class Exp(aw.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.result = x.exp()
            return ctx.result

        @staticmethod
        def jvp(ctx, t):
            return t * ctx.result

    class WrongExp(Exp):
        @staticmethod
        def jvp(ctx, t):
            return 2 * t * ctx.result

    x = aw.randn(3, 2, dtype=aw.float64, requires_grad=True)
    t = aw.randn(3, 2, dtype=aw.float64)
    with fwAD.dual_level():
        y = Exp.apply(fwAD.make_dual(x, t))
        np.testing.assert_allclose(fwAD.unpack_dual(y).tangent.detach().numpy(), (t * x.exp()).detach().numpy())
    options = dict(check_forward_ad=True, check_backward_ad=False, check_undefined_grad=False,
                   check_batched_grad=False)
    assert aw.autograd.gradcheck(Exp.apply, (x,), **options)
    assert not aw.autograd.gradcheck(WrongExp.apply, (x,), raise_exception=False, **options)
    with pytest.raises(RuntimeError, match="Jacobian mismatch for output 0 with respect to input 0") as e:
        aw.autograd.gradcheck(WrongExp.apply, (x,), **options)
    assert type(e.value).__name__ == "GradcheckError"
    with pytest.raises(NotImplementedError, match="implement either the backward or vjp"):
        aw.autograd.gradcheck(Exp.apply, (x,))  # the backward check is on by default, and Exp has none


def test_ops_outside_a_level_and_without_tangents_are_untouched():
    x = aw.randn(4, requires_grad=True)
    before = (x * 2).sin()
    with fwAD.dual_level():
        inside = (x * 2).sin()
        assert fwAD.unpack_dual(inside).tangent is None and inside.grad_fn.name() == "SinBackward0"
    assert np.array_equal(before.detach().numpy(), inside.detach().numpy())
    from autograd_widgets import node
    assert node._FORWARD_AD is None


def _model_pass(T, fwd):
    T.manual_seed(0)
    nn = T.nn
    model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(inplace=True), nn.Dropout(0.3), nn.Linear(6, 2),
                          nn.LogSoftmax(1))
    x, v = T.randn(5, 4), T.randn(5, 4)
    out = []
    for mode in (model.train, model.eval):
        mode()
        with fwd.dual_level():
            primal, tangent = fwd.unpack_dual(model(fwd.make_dual(x, v)))
            out += [primal.detach().numpy().copy(), tangent.detach().numpy().copy()]
        out += [model[1].running_mean.numpy().copy(), model[1].running_var.numpy().copy()]
    return out


def test_a_model_with_batch_norm_in_place_relu_and_dropout_gets_pytorchs_tangents_and_statistics():
    """An op with side effects runs twice here (once for the value, once for the tangent): batch norm's
    running statistics must still be updated once, and dropout draw one mask."""
    torch = pytest.importorskip("torch")
    import torch.autograd.forward_ad as tfwAD
    for got, want in zip(_model_pass(aw, fwAD), _model_pass(torch, tfwAD), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
