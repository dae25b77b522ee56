"""Forms tutorials write (issue 9, part 4): each program runs under PyTorch and autograd_widgets and
must print the same lines (object addresses and this engine's explanations removed)."""
import importlib
import re

import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")


def _clean(x):
    text = str(x)
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)
    return text.split("\n\n[autograd_widgets]")[0]


def same_output(program):
    """Run program(T, out) under both libraries; `out(*values)` records a line."""
    lines = {}
    for T in (aw, torch):
        got = lines[T.__name__] = []

        def out(*values):
            got.append(" ".join(_clean(v) for v in values))
        try:
            program(T, out)
        except Exception as e:  # noqa: BLE001 - compared below
            got.append(f"raises {type(e).__name__}: {_clean(e)}")
    assert lines["autograd_widgets"] == lines["torch"]
    return lines["torch"]


def _sub(T, name):
    return importlib.import_module(f"{T.__name__}.{name}")


# --- grad-mode decorators -------------------------------------------------------------------
def test_grad_mode_decorators_bare_and_called():
    def program(T, out):
        x = T.ones(2, requires_grad=True)

        @T.no_grad
        def f():
            return T.is_grad_enabled(), (x * 2).requires_grad

        @T.no_grad()
        def f2():
            return T.is_grad_enabled()

        @T.enable_grad
        def e():
            return T.is_grad_enabled()

        @T.enable_grad()
        def e2():
            return T.is_grad_enabled()

        @T.inference_mode
        def g():
            return T.is_grad_enabled(), T.is_inference_mode_enabled()

        @T.inference_mode()
        def g2():
            return T.is_grad_enabled(), T.is_inference_mode_enabled()

        @T.inference_mode(False)
        def g3():
            return T.is_grad_enabled(), T.is_inference_mode_enabled()

        @T.set_grad_enabled(False)
        def h():
            return T.is_grad_enabled()
        out(f(), f2(), g(), g2(), g3(), T.is_grad_enabled(), h(), T.is_grad_enabled(), f.__name__)
        with T.no_grad():
            out(e(), e2(), T.is_grad_enabled())
        r = T.set_grad_enabled(False)
        out(T.is_grad_enabled(), repr(r))
        T.set_grad_enabled(True)
        with T.set_grad_enabled(False):
            out(T.is_grad_enabled())
        out(T.is_grad_enabled())

        class Model:
            @T.no_grad()
            def predict(self, a):
                return (a * 2).requires_grad
        out(Model().predict(x))
    lines = same_output(program)
    assert lines[0].startswith("(False, False) False (False, True)")


def test_grad_mode_decorators_on_generators():
    def program(T, out):
        @T.no_grad()
        def gen():
            yield T.is_grad_enabled()
            yield T.is_grad_enabled()
            return "done"
        it = gen()
        out(next(it), T.is_grad_enabled(), next(it))
        try:
            next(it)
        except StopIteration as e:
            out("stop", e.value)

        @T.set_grad_enabled(False)
        def gen2(n):
            for _ in range(n):
                yield T.is_grad_enabled()

        @T.inference_mode
        def gen3():
            received = yield T.is_grad_enabled()
            yield received, T.is_grad_enabled()
        it = gen3()
        out(list(gen2(2)), T.is_grad_enabled(), next(it), it.send("sent"), gen.__name__)
    assert same_output(program)[0] == "False True False"


# --- autograd.Function forms ----------------------------------------------------------------
def test_function_setup_context_once_differentiable_and_node_repr():
    def program(T, out):
        once_differentiable = _sub(T, "autograd.function").once_differentiable

        class MyFn(T.autograd.Function):
            @staticmethod
            def forward(x, k):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, k = inputs
                ctx.k = k
                ctx.save_for_backward(x)
                out("needs", ctx.needs_input_grad)

            @staticmethod
            @once_differentiable
            def backward(ctx, g):
                out("grad mode in backward", T.is_grad_enabled(), g.requires_grad)
                return g * ctx.k, None
        x = T.ones(2, requires_grad=True)
        y = MyFn.apply(x, 3.)
        out(repr(y.grad_fn), type(y.grad_fn).__name__, y.grad_fn.name(), y)
        out(isinstance(y.grad_fn, T.autograd.graph.Node), isinstance(y.grad_fn, T.autograd.function.FunctionCtx))
        g, = T.autograd.grad(y.sum(), x, create_graph=True)
        out(g, g.grad_fn, g.requires_grad)
        y = MyFn.apply(x, 3.)
        g, = T.autograd.grad(y, x, T.ones(2, requires_grad=True), create_graph=True)
        out(g, g.grad_fn.name(), g.grad_fn.next_functions)
        g.sum().backward()
    lines = same_output(program)
    assert "<torch.autograd.function.MyFnBackward object> MyFnBackward MyFnBackward" in lines[1]
    assert "differentiate twice" in lines[-1]


def test_function_mark_dirty_non_differentiable_materialize_and_vjp():
    def program(T, out):
        class Double_(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 2
        a = T.ones(2, requires_grad=True)
        try:
            Double_.apply(a)
        except RuntimeError as e:
            out(type(e).__name__, e)
        b = a * 1
        c = Double_.apply(b)
        out(c is b, b.grad_fn, b._version, c.grad_fn.next_functions[0][0].name())
        c.sum().backward()
        out(a.grad)

        class ArgMax(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                i = x.argmax()
                ctx.mark_non_differentiable(i)
                ctx.save_for_backward(x, i)
                return x.max(), i

            @staticmethod
            def backward(ctx, gv, gi):
                out("gi", gi)
                x, i = ctx.saved_tensors
                r = T.zeros_like(x)
                r[i] = gv
                return r
        xx = T.tensor([1., 3., 2.], requires_grad=True)
        v, i = ArgMax.apply(xx)
        out(v, i, i.requires_grad)
        v.backward()
        out(xx.grad)

        class Two(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x.clone(), x.clone()

            @staticmethod
            def backward(ctx, g1, g2):
                out("grads", g1, g2)
                return g1
        first, _ = Two.apply(xx)
        first.sum().backward()

        class Same(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g
        y = Same.apply(xx)
        out(y is xx, y.grad_fn, Same.apply(T.ones(1)).requires_grad)

        class WithVjp(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def vjp(ctx, g):
                return g * 2
        WithVjp.apply(xx).sum().backward()
        out(xx.grad)
    lines = same_output(program)
    assert lines[0].startswith("RuntimeError a leaf Variable that requires grad has been used")


# --- torch.autograd.graph -------------------------------------------------------------------
def test_saved_tensors_hooks_pack_at_save_unpack_at_use():
    def program(T, out):
        graph = _sub(T, "autograd.graph")
        x = T.tensor([1., 2.], requires_grad=True)
        with graph.saved_tensors_hooks(lambda t: (out("pack", t), t * 10)[1], lambda t: (out("unpack", t), t)[1]):
            y = x * x
            z = x.exp()
        out("backward")
        y.sum().backward()
        out(x.grad)
        z.sum().backward()
        out(x.grad)
        x = T.tensor([1., 2.], requires_grad=True)
        with graph.save_on_cpu():
            y = (x * x).sin()
        g, = T.autograd.grad(y.sum(), x, create_graph=True)
        out(g, g.grad_fn.name(), T.autograd.grad(g.sum(), x))
    lines = same_output(program)
    assert lines[3] == "backward" and lines[4].startswith("unpack tensor([10., 20.])")


def test_unsupported_submodules_and_names_say_so():
    for statement in ("import autograd_widgets.fft", "from autograd_widgets.autograd.forward_ad import dual_level",
                      "from autograd_widgets import no_such_function"):
        with pytest.raises(ImportError, match=r"does not support 'torch\.[a-z_.]+' \(yet\)"):
            exec(statement, {})
    with pytest.raises(AttributeError, match=r"does not support 'torch.autograd.no_such' \(yet\)"):
        aw.autograd.no_such  # noqa: B018
    assert not hasattr(aw, "fft") and hasattr(aw.autograd, "graph")
    exec("import autograd_widgets.autograd.graph; from autograd_widgets.autograd.functional import jacobian", {})


def test_vhp_and_hvp_as_pytorch():
    def program(T, out):
        F = _sub(T, "autograd.functional")

        def cube(x):
            return (x ** 3).sum()

        def mixed(x, y):
            return (x * y.sin()).sum() + (x ** 2).sum()
        x = T.tensor([1., 2., -1.], dtype=T.float64)
        v = T.tensor([0.5, 1., 2.], dtype=T.float64)
        y = T.tensor([0.3, 0.7, 1.1], dtype=T.float64)
        out(F.vhp(cube, x, v), F.hvp(cube, x, v))
        out(F.vhp(mixed, (x, y), (v, v)), F.hvp(mixed, (x, y), (v, v)))
        out(F.hvp(cube, x.requires_grad_(), v, create_graph=True))
        out(F.vhp(lambda s: s.exp(), T.tensor(1.)))
        for call in (lambda: F.vhp(cube, x), lambda: F.hvp(lambda x: x * 2, x, v)):
            try:
                call()
            except RuntimeError as e:
                out(e)
    lines = same_output(program)
    assert "tensor([  3.,  12., -12.]" in lines[0]  # 6·x·v


def test_format_of_tensors():
    def program(T, out):
        x = T.tensor(2.)
        out(f"{x}", format(x, ".4f"), "{:.3f}".format(x), f"{x:>10}", f"{x!r}", f"{T.tensor(3)}",
            format(T.tensor(True)), f"{T.tensor(2., requires_grad=True):.2f}", f"{(x * 1).sum():.3f}",
            f"{T.tensor([1., 2.])}", "%.2f" % x)
        for spec_of in (lambda: format(T.tensor([1., 2.]), ".2f"), lambda: round(x), lambda: format(x, "d")):
            try:
                out(spec_of())
            except (TypeError, ValueError) as e:
                out(type(e).__name__, e)
    assert same_output(program)[0].startswith("2.0 2.0000 2.000        2.0 tensor(2.) 3 True 2.00 2.000")
