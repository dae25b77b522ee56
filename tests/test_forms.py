"""Forms tutorials write (issue 9, part 4): each program runs under PyTorch and autograd_widgets and
must print the same lines (object addresses and this engine's explanations removed)."""
import importlib
import inspect
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


def test_inference_mode_false_turns_grad_mode_on_inside_no_grad_and_inference_mode():
    """c10::InferenceMode(false) sets grad mode on (not "leaves it as it is"), wherever it is entered."""
    def program(T, out):
        x = T.ones(2, requires_grad=True)
        for outer in (T.no_grad, T.inference_mode):
            with outer():
                with T.inference_mode(False):
                    out(T.is_grad_enabled(), T.is_inference_mode_enabled(), (x * 2).requires_grad)
                out(T.is_grad_enabled(), T.is_inference_mode_enabled())
    lines = same_output(program)
    assert lines[0] == "True False True"


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


def test_saved_tensors_as_autograd_mechanics_shows_them():
    def program(T, out):
        graph = _sub(T, "autograd.graph")
        x = T.tensor([0.1, 0.2, 0.3, 0.4, 0.5], requires_grad=True)
        y = x.pow(2)
        out(x.equal(y.grad_fn._saved_self), x is y.grad_fn._saved_self)
        y = x.exp()
        out(y.equal(y.grad_fn._saved_result), y is y.grad_fn._saved_result)

        def pack_hook(x):
            out("Packing", x)
            return x

        def unpack_hook(x):
            out("Unpacking", x)
            return x
        a = T.ones(5, requires_grad=True)
        b = T.ones(5, requires_grad=True) * 2
        with graph.saved_tensors_hooks(pack_hook, unpack_hook):
            y = a * b  # PyTorch saves `other` first
        y.sum().backward()
        x = T.ones(5, requires_grad=True)
        with graph.saved_tensors_hooks(lambda x: x * 4, lambda x: x / 4):
            y = T.pow(x, 2)
        y.sum().backward()
        out(x.grad)
        y = T.ones(5, requires_grad=True) * 2
        with graph.saved_tensors_hooks(lambda x: x, lambda x: x):
            z = x * y
        out(z.grad_fn._saved_self is x, z.grad_fn._saved_self.equal(x))
        with graph.saved_tensors_hooks(pack_hook, unpack_hook):
            z = x / y
        z.sum().backward()
    lines = same_output(program)
    assert lines[2].startswith("Packing tensor([2., 2., 2., 2., 2.], grad_fn=<MulBackward0>)")


def test_unsupported_submodules_and_names_say_so():
    for statement in ("import autograd_widgets.fft", "from autograd_widgets.autograd.no_such_module import dual_level",
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
    """f-strings, format() specs and %-formatting of tensors print as PyTorch's, and refuse what it refuses."""
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


# --- PyTorch's keyword names ------------------------------------------------------------------
KEYWORD_CALLS = [
    ("matmul", lambda T, a, b, v, m: T.matmul(input=a, other=b)),
    ("Tensor.matmul", lambda T, a, b, v, m: a.matmul(other=b)),
    ("mm", lambda T, a, b, v, m: T.mm(input=a, mat2=b)),
    ("Tensor.mm", lambda T, a, b, v, m: a.mm(mat2=b)),
    ("mv", lambda T, a, b, v, m: T.mv(input=m, vec=v)),
    ("Tensor.mv", lambda T, a, b, v, m: m.mv(vec=v)),
    ("dot", lambda T, a, b, v, m: T.dot(input=v, tensor=v)),
    ("Tensor.dot", lambda T, a, b, v, m: v.dot(tensor=v)),
    ("bmm", lambda T, a, b, v, m: T.bmm(input=a[None], mat2=b[None])),
    ("Tensor.bmm", lambda T, a, b, v, m: a[None].bmm(mat2=b[None])),
    ("add", lambda T, a, b, v, m: T.add(input=v, other=v, alpha=2)),
    ("Tensor.add", lambda T, a, b, v, m: v.add(other=v, alpha=3)),
    ("sub", lambda T, a, b, v, m: T.sub(input=v, other=1.5, alpha=2)),
    ("Tensor.sub", lambda T, a, b, v, m: v.sub(other=v * 2, alpha=0.5)),
    ("mul", lambda T, a, b, v, m: T.mul(input=v, other=v)),
    ("Tensor.mul", lambda T, a, b, v, m: v.mul(other=3)),
    ("div", lambda T, a, b, v, m: T.div(input=v, other=2)),
    ("Tensor.div", lambda T, a, b, v, m: v.div(other=v + 3)),
    ("pow", lambda T, a, b, v, m: T.pow(input=v, exponent=2)),
    ("Tensor.pow", lambda T, a, b, v, m: v.pow(exponent=3)),
    ("where", lambda T, a, b, v, m: T.where(condition=v > 0, input=v, other=v * 0)),
    ("sum", lambda T, a, b, v, m: T.sum(input=a, dim=0, keepdim=True)),
    ("Tensor.sum", lambda T, a, b, v, m: a.sum(dim=1, keepdim=False, dtype=T.float64)),
    ("mean", lambda T, a, b, v, m: T.mean(input=a, dim=(0, 1), keepdim=True)),
    ("Tensor.mean", lambda T, a, b, v, m: a.mean(dim=0)),
    ("max", lambda T, a, b, v, m: T.max(input=a, dim=1, keepdim=True).values),
    ("Tensor.max", lambda T, a, b, v, m: a.max(dim=0).indices),
    ("min", lambda T, a, b, v, m: T.min(input=a, dim=0).values),
    ("argmax", lambda T, a, b, v, m: T.argmax(input=a, dim=1, keepdim=True)),
    ("Tensor.argmax", lambda T, a, b, v, m: a.argmax(dim=0)),
    ("argmin", lambda T, a, b, v, m: T.argmin(input=a, dim=1)),
    ("norm", lambda T, a, b, v, m: T.norm(input=a, p=1, dim=1, keepdim=True)),
    ("softmax", lambda T, a, b, v, m: T.softmax(input=a, dim=1)),
    ("Tensor.softmax", lambda T, a, b, v, m: a.softmax(dim=0)),
    ("log_softmax", lambda T, a, b, v, m: T.log_softmax(input=a, dim=1)),
    ("exp", lambda T, a, b, v, m: T.exp(input=v)),
    ("log", lambda T, a, b, v, m: T.log(input=v.abs() + 1)),
    ("sin", lambda T, a, b, v, m: T.sin(input=v)),
    ("tanh", lambda T, a, b, v, m: T.tanh(input=v)),
    ("sigmoid", lambda T, a, b, v, m: T.sigmoid(input=v)),
    ("relu", lambda T, a, b, v, m: T.relu(input=v)),
    ("abs", lambda T, a, b, v, m: T.abs(input=v)),
    ("sqrt", lambda T, a, b, v, m: T.sqrt(input=v.abs())),
    ("clone", lambda T, a, b, v, m: T.clone(input=v)),
    ("t", lambda T, a, b, v, m: T.t(input=a)),
    ("cat", lambda T, a, b, v, m: T.cat(tensors=[a, a], dim=1)),
    ("stack", lambda T, a, b, v, m: T.stack(tensors=(v, v), dim=1)),
    ("reshape", lambda T, a, b, v, m: T.reshape(input=a, shape=(3, 2))),
    ("Tensor.reshape", lambda T, a, b, v, m: a.reshape(shape=(3, 2))),
    ("Tensor.view", lambda T, a, b, v, m: a.view(size=(3, 2))),
    ("permute", lambda T, a, b, v, m: T.permute(input=a, dims=(1, 0))),
    ("Tensor.permute", lambda T, a, b, v, m: a.permute(dims=(1, 0))),
    ("transpose", lambda T, a, b, v, m: T.transpose(input=a, dim0=0, dim1=1)),
    ("Tensor.transpose", lambda T, a, b, v, m: a.transpose(dim0=1, dim1=0)),
    ("squeeze", lambda T, a, b, v, m: T.squeeze(input=a[None], dim=0)),
    ("Tensor.squeeze", lambda T, a, b, v, m: a[None].squeeze(dim=0)),
    ("unsqueeze", lambda T, a, b, v, m: T.unsqueeze(input=a, dim=1)),
    ("Tensor.unsqueeze", lambda T, a, b, v, m: a.unsqueeze(dim=0)),
    ("flatten", lambda T, a, b, v, m: T.flatten(input=a[None], start_dim=1, end_dim=-1)),
    ("Tensor.flatten", lambda T, a, b, v, m: a.flatten(start_dim=0)),
    ("Tensor.expand", lambda T, a, b, v, m: v.expand(size=(2, 3))),
    ("narrow", lambda T, a, b, v, m: T.narrow(input=a, dim=1, start=0, length=2)),
    ("Tensor.narrow", lambda T, a, b, v, m: a.narrow(dim=1, start=1, length=1)),
    ("select", lambda T, a, b, v, m: T.select(input=a, dim=1, index=2)),
    ("Tensor.select", lambda T, a, b, v, m: a.select(dim=0, index=1)),
    ("zeros size", lambda T, a, b, v, m: T.zeros(size=(2, 3), dtype=T.float64, requires_grad=True)),
    ("ones size", lambda T, a, b, v, m: T.ones(size=(2,), dtype=T.float32)),
    ("empty size", lambda T, a, b, v, m: T.empty(size=(2,)).shape),
    ("full", lambda T, a, b, v, m: T.full(size=(2, 2), fill_value=7.0)),
    ("zeros_like", lambda T, a, b, v, m: T.zeros_like(input=a, dtype=T.float64)),
    ("ones_like", lambda T, a, b, v, m: T.ones_like(input=a, requires_grad=True)),
    ("full_like", lambda T, a, b, v, m: T.full_like(input=a, fill_value=2.0)),
    ("empty_like", lambda T, a, b, v, m: T.empty_like(input=a).shape),
    ("arange", lambda T, a, b, v, m: T.arange(start=0, end=5, step=2, dtype=T.float32)),
    ("linspace", lambda T, a, b, v, m: T.linspace(start=0, end=1, steps=5)),
    ("eye", lambda T, a, b, v, m: T.eye(n=2, m=3)),
    ("tensor", lambda T, a, b, v, m: T.tensor(data=[1.0, 2.0], dtype=T.float64, requires_grad=True)),
    ("as_tensor", lambda T, a, b, v, m: T.as_tensor(data=[1, 2], dtype=T.float32)),
    ("numel", lambda T, a, b, v, m: T.numel(input=a)),
    ("clamp", lambda T, a, b, v, m: T.clamp(input=v, min=-0.5, max=0.5)),
    ("Tensor.clamp", lambda T, a, b, v, m: v.clamp(min=0)),
    ("clip", lambda T, a, b, v, m: T.clip(input=v, max=0.2)),
    ("clamp_min", lambda T, a, b, v, m: T.clamp_min(input=v, min=0.1)),
    ("eq", lambda T, a, b, v, m: T.eq(input=v, other=v)),
    ("gt", lambda T, a, b, v, m: T.gt(input=v, other=0)),
    ("Tensor.lt", lambda T, a, b, v, m: v.lt(other=0)),
    ("maximum", lambda T, a, b, v, m: T.maximum(input=v, other=v * 0)),
    ("isclose", lambda T, a, b, v, m: T.isclose(input=v, other=v, rtol=0, atol=0)),
    ("allclose", lambda T, a, b, v, m: T.allclose(input=v, other=v + 1e-9, rtol=0, atol=1e-6)),
    ("equal", lambda T, a, b, v, m: T.equal(input=v, other=v)),
    ("var", lambda T, a, b, v, m: T.var(input=a, dim=1, unbiased=False, keepdim=True)),
    ("var correction", lambda T, a, b, v, m: T.var(input=a, dim=0, correction=0)),
    ("Tensor.std", lambda T, a, b, v, m: a.std(dim=1, keepdim=True)),
    ("prod", lambda T, a, b, v, m: T.prod(input=a, dim=1, keepdim=True)),
    ("cumsum", lambda T, a, b, v, m: T.cumsum(input=a, dim=1)),
    ("logsumexp", lambda T, a, b, v, m: T.logsumexp(input=a, dim=1, keepdim=False)),
    ("topk", lambda T, a, b, v, m: T.topk(input=a, k=2, dim=1, largest=False).values),
    ("sort", lambda T, a, b, v, m: T.sort(input=a, dim=0, descending=True).values),
    ("gather", lambda T, a, b, v, m: T.gather(input=a, dim=1, index=T.tensor([[0], [2]]))),
    ("outer", lambda T, a, b, v, m: T.outer(input=v, vec2=v)),
    ("round", lambda T, a, b, v, m: T.round(input=v * 10, decimals=1)),
    ("square", lambda T, a, b, v, m: T.square(input=v)),
    ("einsum", lambda T, a, b, v, m: T.einsum("ij,jk->ik", a, b)),
    ("einsum list", lambda T, a, b, v, m: T.einsum("ij,jk", [a, b])),
    ("Tensor.to", lambda T, a, b, v, m: a.to(dtype=T.float64)),
    ("Tensor.type", lambda T, a, b, v, m: a.type(dtype=T.float64)),
    ("rsub", lambda T, a, b, v, m: T.rsub(input=v, other=v * 2)),
    # NumPy's spellings, as d2l writes them
    ("sum axis keepdims", lambda T, a, b, v, m: a.sum(axis=1, keepdims=True)),
    ("sum axis list", lambda T, a, b, v, m: T.sum(a, axis=[0, 1])),
    ("mean axis", lambda T, a, b, v, m: a.mean(axis=0)),
    ("argmax axis", lambda T, a, b, v, m: a.argmax(axis=1)),
    ("cumsum axis", lambda T, a, b, v, m: a.cumsum(axis=0)),
    ("cat axis", lambda T, a, b, v, m: T.cat((a, a), axis=0)),
    ("max axis", lambda T, a, b, v, m: a.max(axis=1).values),
    ("std axis keepdims", lambda T, a, b, v, m: a.std(axis=0, keepdims=True)),
    ("add x x2", lambda T, a, b, v, m: T.add(x=v, x2=v)),
]


@pytest.mark.parametrize("call", KEYWORD_CALLS, ids=[c[0] for c in KEYWORD_CALLS])
def test_keyword_calls_as_pytorch(call):
    label, fn = call

    def program(T, out):
        a = T.tensor([[1., -2., 3.], [0.5, 4., -1.]])
        b = T.tensor([[1., 0.], [2., 1.], [0., -1.]])
        v = T.tensor([0.3, -0.7, 1.1])
        m = T.tensor([[1., 2., 3.], [4., 5., 6.]])
        out(fn(T, a, b, v, m))
    assert "raises" not in same_output(program)[0]


# Keywords PyTorch documents that this engine does not take (yet); the test below fails if one is added
# to PyTorch's docs for a function we export and it is neither accepted nor listed here.
KEYWORDS_NOT_SUPPORTED = {"out", "layout", "pin_memory", "memory_format", "generator", "out_dtype",
                          "non_blocking", "sparse_grad", "rounding_mode"}
# Functions whose docstring gives no signature line: PyTorch's names, from the reference pages.
UNDOCUMENTED = {"relu": ["input"], "log_softmax": ["input", "dim", "dtype"], "rsub": ["input", "other"],  # no alpha yet
                "clamp_min": ["input", "min"], "clamp_max": ["input", "max"], "is_tensor": ["obj"]}


# Docstrings that name parameters PyTorch's parser does not take (torch.broadcast_to(x, shape=...) raises
# 'missing ... "size"'): the names the parser takes, checked by calling PyTorch 2.13.
PARSER_NAMES = {"broadcast_to": ["input", "size"], "result_type": ["tensor", "other"],
                "true_divide": ["input", "other"]}


def _documented(name):
    """Parameter names of each `name(...)` line in PyTorch's docstring (or its Python signature)."""
    if name in PARSER_NAMES:
        return [PARSER_NAMES[name]]
    fn = getattr(torch, name)
    sigs = []
    for m in re.finditer(r"^\s*" + re.escape(name) + r"\(([^)]*)\)\s*(?:->|$)", fn.__doc__ or "", re.M):
        params = re.sub(r"\[[^\]]*\]", "", m.group(1))  # Union[Number, _complex]: one annotation, no names
        words = (re.match(r"[a-z_]\w*", p.strip().lstrip("\\")) for p in params.split(","))
        sigs.append([w.group(0) for w in words if w])
    if not sigs and name.endswith("_") and hasattr(torch, name[:-1]):
        return _documented(name[:-1])[:1] and [["input"]]  # torch.sin_(input)
    if not sigs:
        try:
            sigs = [[p.name for p in inspect.signature(fn).parameters.values()  # *tensors takes no keyword
                     if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]]
        except (TypeError, ValueError):
            sigs = [UNDOCUMENTED.get(name, [])]
    return sigs


def _accepted(fn, name):
    """The keyword names our `torch.<name>` takes: its own parameters, PyTorch's names put in front of
    them (keywords.accept), and for a function that hands on to `Tensor.<name>`, that method's."""
    names = set(getattr(fn, "pytorch_keywords", ()))
    params = inspect.signature(inspect.unwrap(fn)).parameters.values()
    names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    if any(p.kind is p.VAR_KEYWORD for p in params) and hasattr(aw.Tensor, name):
        names |= _accepted(getattr(aw.Tensor, name), "") - {"self"}
    return names


def test_parser_names_are_pytorchs():
    """PARSER_NAMES holds what PyTorch's parser takes, where its docstring says otherwise."""
    x = torch.ones(2)
    calls = {"broadcast_to": dict(input=x, size=(2, 2)), "result_type": dict(tensor=x, other=1.0),
             "true_divide": dict(input=x, other=x)}
    assert set(calls) == set(PARSER_NAMES)
    for name, kwargs in calls.items():
        assert list(kwargs) == PARSER_NAMES[name]
        getattr(torch, name)(**kwargs)
        getattr(aw, name)(**{k: aw.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()})


def test_exported_functions_take_pytorchs_documented_keywords():
    checked, missing = 0, {}
    for name in sorted(n for n in dir(aw) if not n.startswith("_")):
        fn = getattr(aw, name)
        if not callable(fn) or inspect.isclass(fn) or not hasattr(torch, name) or name.endswith("Tensor") \
                or name.startswith("rand"):  # the random functions' keywords: tests of torch.random
            continue
        documented = {p for sig in _documented(name) for p in sig} - KEYWORDS_NOT_SUPPORTED
        lacking = documented - _accepted(fn, name)
        if lacking:
            missing[name] = sorted(lacking)
        checked += 1
    assert checked > 100 and not missing


# --- devices, accelerator, Tensor.type() -----------------------------------------------------
def test_accelerator_answers_on_a_machine_without_one():
    """torch.accelerator and torch.cuda say "none" as PyTorch's do where no accelerator is present."""
    if aw.cuda.is_available() or torch.cuda.is_available():
        pytest.skip("the answers compared here are those of a machine without an accelerator")

    def program(T, out):
        acc = T.accelerator
        out(repr(T.get_default_device()), acc.is_available(), acc.current_accelerator(), acc.device_count(),
            T.cuda.is_available(), acc.current_accelerator(check_available=True))
        device = acc.current_accelerator().type if acc.is_available() else "cpu"  # the tutorials' first lines
        out(f"Using {device} device")
        for call in (acc.current_device_index, acc.synchronize):
            try:
                call()
            except RuntimeError as e:
                out(e)
    assert same_output(program)[:2] == ["device(type='cpu') False None 0 False None", "Using cpu device"]


def test_default_device_and_type_names():
    """set_default_device("cpu") and back, Tensor.type() names and conversions, and the constants torch.pi,
    e, inf, nan: as PyTorch, on any machine (nothing here asks for an accelerator)."""
    def program(T, out):
        T.set_default_device("cpu")
        out(repr(T.get_default_device()), T.tensor([1.]).device, T.zeros(2).device)
        T.set_default_device(None)
        out(repr(T.get_default_device()))
        x = T.ones(2)
        out(x.type(), x.type(T.float64).dtype, x.type("torch.LongTensor"), x.type(T.DoubleTensor).dtype,
            x.long().type(), T.tensor(True).type(), T.pi, T.e, T.inf, T.nan)
    assert same_output(program)[0] == "device(type='cpu') cpu cpu"


# --- in-place forms: graphs and errors --------------------------------------------------------
def test_in_place_unary_ops_graphs_and_errors():
    def program(T, out):
        x = T.tensor([0.5, -1.5, 2.2], requires_grad=True)
        for op in ("sin_", "exp_", "clamp_", "floor_", "gt_", "relu_", "square_"):
            y = x * 1
            args = (0, 1) if op == "clamp_" else (0,) if op == "gt_" else ()
            r = getattr(y, op)(*args)
            out(op, r is y, y, y.grad_fn.next_functions)
            try:
                getattr(x, op)(*args)
            except RuntimeError as e:
                out(e)
        y = x * 1
        y.exp_()
        y.add_(1)  # exp_ saved its result, y itself
        try:
            y.sum().backward()
        except RuntimeError as e:
            out(e)
        y = x * 1
        T.sin_(y)
        y.sum().backward()
        out(x.grad, T.relu_(x.detach() - 1), T.clamp_(x.detach().clone(), max=0))
        with T.no_grad():
            z = x.abs().sqrt_()
        out(z, z.requires_grad)
    lines = same_output(program)
    assert lines[0].startswith("sin_ True tensor([ 0.4794, -0.9975,  0.8085], grad_fn=<SinBackward0>)")
    assert "output 0 of Exp" in lines[-3]


def test_out_keyword_as_the_tensors_tutorial_writes_it():
    def program(T, out):
        tensor = T.ones(4, 4)
        tensor[:, 1] = 0
        y3 = T.zeros(4, 4)
        out(T.matmul(tensor, tensor.T, out=y3) is y3, y3)
        z3 = T.zeros(4, 4)
        T.mul(tensor, tensor, out=z3)
        out(z3, T.exp(tensor[0], out=T.empty(4)), T.sum(tensor, 0, out=T.zeros(4)))
        with pytest.warns(UserWarning, match="was resized"):
            out(T.add(tensor[0], 1, out=T.zeros(2)))
        x = T.ones(2, requires_grad=True)
        for call in (lambda: T.mul(x, x, out=T.zeros(2)), lambda: T.mul(tensor[0], 2, out=T.zeros(4, dtype=T.long))):
            try:
                call()
            except RuntimeError as e:
                out(e)
    assert same_output(program)[-2].startswith("mul(): functions with out=... arguments don't support")


def test_legacy_tensor_types():
    """torch.FloatTensor and friends: isinstance checks, constructors, .type(FloatTensor) and their reprs as PyTorch."""
    def program(T, out):
        x = T.ones(2)
        out(isinstance(x, T.FloatTensor), isinstance(x, T.DoubleTensor), isinstance(x.long(), T.LongTensor),
            T.FloatTensor, type(T.FloatTensor), T.FloatTensor.dtype, T.LongTensor([1, 2]), T.FloatTensor(2, 3).shape,
            issubclass(T.FloatTensor, T.Tensor), T.BoolTensor.dtype)
        dtype = T.FloatTensor  # the older "Learning PyTorch with Examples": x = torch.randn(N, D).type(dtype)
        out(T.zeros(3).type(dtype), x.type(T.DoubleTensor), T.DoubleTensor([1, 2]), T.FloatTensor([[1, 2]]))
    assert same_output(program)[0].startswith("True False True <class 'torch.FloatTensor'> <class 'torch.tensortype'>")


def test_setup_context_inputs_have_forwards_defaults():
    """The LinearFunction of "Extending torch.autograd": apply(input, weight) with bias=None by default."""
    def program(T, out):
        class LinearFunction(T.autograd.Function):
            @staticmethod
            def forward(input, weight, bias=None):
                output = input.mm(weight.t())
                if bias is not None:
                    output += bias.unsqueeze(0).expand_as(output)
                return output

            @staticmethod
            def setup_context(ctx, inputs, output):
                input, weight, bias = inputs
                ctx.save_for_backward(input, weight, bias)

            @staticmethod
            def backward(ctx, grad_output):
                input, weight, bias = ctx.saved_tensors
                grad_input = grad_weight = grad_bias = None
                if ctx.needs_input_grad[0]:
                    grad_input = grad_output.mm(weight)
                if ctx.needs_input_grad[1]:
                    grad_weight = grad_output.t().mm(input)
                if bias is not None and ctx.needs_input_grad[2]:
                    grad_bias = grad_output.sum(0)
                return grad_input, grad_weight, grad_bias
        x = T.tensor([[1., 2., 3.], [0.5, -1., 2.]], dtype=T.float64, requires_grad=True)
        w = T.tensor([[0.1, 0.2, 0.3], [-0.4, 0.5, 0.6]], dtype=T.float64, requires_grad=True)
        b = T.tensor([0.5, -0.5], dtype=T.float64, requires_grad=True)
        y = LinearFunction.apply(x, w)
        y.sum().backward()
        out(y, x.grad, w.grad, LinearFunction.apply(x, w, bias=b))
        out(T.autograd.gradcheck(LinearFunction.apply, (x, w, b), eps=1e-6, atol=1e-4))
    assert same_output(program)[-1] == "True"


class _NotData:
    pass


def test_save_and_load_a_state_dict(tmp_path):
    def program(T, out):
        import collections
        path = tmp_path / f"{T.__name__}.pth"
        sd = collections.OrderedDict(weight=T.tensor([[1., 2.]], requires_grad=True), bias=T.tensor([0.5]), step=3)
        T.save(sd, path)
        back = T.load(path, weights_only=True)
        out(type(back).__name__, back, back["weight"].requires_grad)
        x = T.arange(6.).reshape(2, 3)
        T.save({"x": x, "list": [x[0], 1.5]}, str(path))
        out(T.load(path), T.load(path, map_location="cpu")["x"].device)
        T.save(_NotData(), path)
        try:
            T.load(path)
        except Exception as e:  # noqa: BLE001 - the type is compared
            out(type(e).__name__)
        out(type(T.load(path, weights_only=False)).__name__)
    assert same_output(program)[-2:] == ["UnpicklingError", "_NotData"]


@pytest.mark.parametrize("equation, shapes", [("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 2)]),
                                               ("i,i->", [(3,), (3,)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
                                               ("ij->ji", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("ij->", [(2, 3)])])
def test_einsum_values_and_gradients_as_pytorch(equation, shapes):
    """einsum's graph is this engine's (not PyTorch's bmm-based one): values and gradients must agree."""
    import numpy as np
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    results = []
    for T in (aw, torch):
        xs = [T.tensor(a, dtype=T.float64, requires_grad=True) for a in arrays]
        y = T.einsum(equation, *xs)
        y.backward(T.ones_like(y))
        results.append([y.detach().numpy()] + [x.grad.numpy() for x in xs])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    xs = [aw.tensor(a, dtype=aw.float64, requires_grad=True) for a in arrays]
    assert aw.autograd.gradgradcheck(lambda *x: aw.einsum(equation, *x), xs)


def test_new_tensor_methods():
    """new_zeros/new_ones/new_full/new_empty/new_tensor take self's dtype unless told otherwise, as PyTorch."""
    def program(T, out):
        x = T.ones(2, dtype=T.float64)
        out(x.new_zeros(2, 3), x.new_ones((2,)), x.new_full((2,), 7.), x.new_empty(3).shape, x.new_tensor([1, 2]),
            x.new_zeros(2, dtype=T.int64), x.new_ones(1, requires_grad=True), x.new_full(size=(1,), fill_value=2),
            x.new_zeros(size=(1, 2)))
    assert "dtype=torch.float64" in same_output(program)[0]


def test_floor_division_and_remainders_as_pytorch():
    """`//`, `%`, fmod and div(rounding_mode=) on integers and floats: values, dtypes, -0., nodes, errors."""
    def program(T, out):
        i, f = T.tensor([7, -7, 6]), T.tensor([5.5, -3.0, -2.5])
        out(i // 2, i // -2, i % 3, i % -4, 7 // T.tensor([2, -3]), 7 % T.tensor([2, -3]), i // 2.5, i / 2)
        out(f // 2, f % 3, f % -2, T.fmod(f, 2), T.remainder(f, T.tensor(2.0)), f.div(2, rounding_mode="trunc"))
        out(T.div(i, 2, rounding_mode="floor"), T.divide(i, 4, rounding_mode="trunc"), i.floor_divide(4))
        x = T.tensor([5.0, -3.0], requires_grad=True)
        w = T.tensor([2.0, 2.0], requires_grad=True)
        out(x % 3, x % w, T.fmod(x, 3), T.fmod(x, w), x.div(w, rounding_mode="floor"), x // w)
        (x % w + T.fmod(x, w) * 2 + x.div(w, rounding_mode="floor")).sum().backward()
        out(x.grad, w.grad)
        a = T.tensor([7, 8])
        a //= 2
        out(a)
        a %= 3
        out(a, a.remainder_(2), T.tensor([7.0]).div_(2, rounding_mode="floor"))
        try:
            (x // 2).sum().backward()
        except RuntimeError as e:
            out("raises", e)
        T.div(x, 2, rounding_mode="round")
    same_output(program)


def test_small_integer_dtypes():
    """int8/uint8/int16 tensors: promotion, reductions, negation, division and wrap-around as PyTorch computes them."""
    def program(T, out):
        a = T.tensor([1, 2, 100], dtype=T.int8)
        out(a, a.dtype, a.type(), a + T.tensor([1], dtype=T.uint8), a * 2, a * 2.5, a.sum(), a.to(T.int16))
        out(T.int, T.short, T.zeros(2, dtype=T.short), T.arange(3, dtype=T.int8), a.max(), -a, a / 2)
        # a Python int beyond the dtype wraps around, as PyTorch casts it
        out(T.tensor([1], dtype=T.uint8) + 300, a * 200, a - 129, T.tensor([5], dtype=T.uint8) - 7,
            T.tensor([5], dtype=T.int32) + 2 ** 31)
    same_output(program)


def test_where_of_two_numbers_and_the_method():
    """torch.where(x > 0, 1.0, 0.0) (the docs' example) takes the numbers' dtype; Tensor.where(condition, y)."""
    def program(T, out):
        x = T.tensor([[-1.0, 2.0], [3.0, -4.0]])
        out(T.where(x > 0, 1.0, 0.0), T.where(x > 0, 1, 0), T.where(x > 0, 1, 0.5), T.where(x > 0, True, False))
        out(T.where(x > 0, x, 0.0), T.where(x > 0, 0, x.double()), x.where(x > 0, -1.0), x.where(x > 0, other=x * 2))
    same_output(program)


def test_scatter_as_the_tutorials_use_it():
    """The data tutorial's one-hot target_transform, the docs' scatter_ examples, the index checks."""
    def program(T, out):
        out(T.zeros(10, dtype=T.float).scatter_(0, T.tensor(3), value=1))
        src = T.arange(1, 11).reshape((2, 5))
        out(T.zeros(3, 5, dtype=src.dtype).scatter_(0, T.tensor([[0, 1, 2, 0]]), src))
        out(T.zeros(3, 5, dtype=src.dtype).scatter_(1, T.tensor([[0, 1, 2], [0, 1, 4]]), src))
        out(T.full((2, 4), 2.).scatter_(1, T.tensor([[2], [3]]), 1.23), T.zeros(3, dtype=T.long).scatter(0, T.tensor([2]), 1.7))
        x = T.zeros(3, 5, requires_grad=True)
        s = T.arange(1., 16).reshape(3, 5).requires_grad_()
        y = x.scatter(0, T.tensor([[0, 1, 2, 0]]), s)
        out(y, x.scatter(0, T.tensor([[0, 1, 2, 0]]), 2.5))
        try:
            (y * 2).sum().backward()
        except RuntimeError as e:
            out("raises", e)
        for index in (T.tensor([1.]), T.tensor([1], dtype=T.int32)):
            try:
                out(T.zeros(3).scatter_(0, index, value=1))
            except RuntimeError as e:
                out("raises", e)
        out(T.gather(T.arange(6.).reshape(2, 3), 1, T.tensor([[2, 0]])))
    same_output(program)


def test_masks_triangles_index_select_and_repeat():
    """The attention mask of GPT tutorials (tril + masked_fill + softmax), masked_select, index_select,
    repeat: values, gradients and PyTorch's errors."""
    def program(T, out):
        T.manual_seed(0)
        x = T.randn(3, 4, requires_grad=True)
        m = T.tril(T.ones(4, 4))
        wei = T.zeros(4, 4).masked_fill(m == 0, float("-inf"))
        out(wei.softmax(-1), T.triu(T.ones(3, 3), diagonal=1))
        y, z, s, r = x.masked_fill(x > 0.5, 0.0), x.masked_select(x > 0), x.index_select(1, T.tensor([0, 2, 0])), \
            x.repeat(2, 1)
        out(y, z, s, r.shape, x[0].repeat(2, 2, 1).shape)
        (y.sum() + (z * 2).sum() + (s * 3).sum() + (r * r).sum() + T.tril(x, -1).sum()).backward()
        out(x.grad)
        a = T.ones(2, 3)
        a.masked_fill_(T.tensor([True, False, True]), 5)
        out(a, T.arange(9.).reshape(3, 3).triu_())
        for bad in (lambda: x.index_select(0, T.tensor([0.])), lambda: x.index_select(0, T.tensor([[0]])),
                    lambda: x.masked_fill(T.tensor([1, 0, 1, 0]), 0.), lambda: x.repeat(2),
                    lambda: x.masked_select(T.tensor([1, 0, 1, 0]))):
            try:
                bad()
            except (RuntimeError, IndexError) as e:
                out("raises", type(e).__name__, e)
    same_output(program)


def test_element_tests_nonzero_contiguous_and_conversions():
    def program(T, out):
        x = T.tensor([[1., 0., float("nan")], [0., 2., float("inf")]])
        out(T.nonzero(x), x.nonzero(as_tuple=True), T.argwhere(x), T.isnan(x), x.isinf(), T.isfinite(x))
        out(T.any(x > 1, dim=1), x.all(dim=0), (x > 0).any(1, keepdim=True), T.count_nonzero(x),
            T.count_nonzero(x, dim=0), T.all(x), x.any(), T.nonzero(T.tensor([0, 0])), T.tensor([], dtype=T.bool))
        out(x.t().is_contiguous(), x.is_contiguous(), x.half(), T.tensor([1.7]).char(), T.tensor([1.7]).short(),
            T.tensor([1.7, 2.0]).byte())
        w = T.randn(2, 3, requires_grad=True)
        out(w.contiguous() is w, w.t().contiguous().grad_fn, w.t().contiguous().grad_fn.next_functions[0][0])
    same_output(program)


def test_concat_aliases_stacks_and_unique():
    def program(T, out):
        a = T.tensor([1., 2.], requires_grad=True)
        v, h = T.vstack([a, a]), T.hstack([a, a])
        out(v, v.grad_fn.next_functions[0][0], h, h.grad_fn.next_functions[0][0], T.concat([a, a]).grad_fn)
        out(T.concatenate([a.reshape(1, 2), a.reshape(1, 2)], dim=1), T.hstack([T.ones(2, 1), T.zeros(2, 2)]),
            T.vstack([T.ones(2, 2), T.zeros(1, 2)]))
        out(T.unique(T.tensor([3, 1, 2, 3, 1])), T.unique(T.tensor([3, 1, 2, 3, 1]), return_counts=True),
            T.unique(T.tensor([[3, 1], [2, 3]]), return_inverse=True), T.tensor([2., 1., 2.]).unique())
    same_output(program)


def test_type_of_a_tensor_and_a_parameter_prints_as_pytorch():
    """d2l's print(type(net[2].bias)) and print(type(x)); a program's own subclass prints as usual."""
    def program(T, out):
        class Mine(T.Tensor):
            pass
        out(type(T.tensor(1.0)), type(T.nn.Parameter(T.ones(1))), T.Tensor, T.nn.Buffer,
            str(Mine).replace(__name__, "tests"))
    same_output(program)
    assert aw.Tensor.__module__ == "autograd_widgets.tensor"  # only the printed name changes


def test_div_in_place_keeps_one_clone_and_takes_rounding_mode():
    def program(T, out):
        x = T.linspace(0.5, 2, 4, dtype=T.float64).requires_grad_()
        w = T.linspace(2.5, 3, 4, dtype=T.float64).requires_grad_()
        z = x * 1
        z.div_(w)
        g, = T.autograd.grad(z.sum(), w, create_graph=True)
        out(g.grad_fn, g.grad_fn.next_functions, T.tensor([7., 8.]).div_(2, rounding_mode="floor"),
            T.tensor([7., 8.]).divide_(2))
    same_output(program)
