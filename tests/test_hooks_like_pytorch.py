"""Hooks see what PyTorch's hooks see, in PyTorch's order: each program runs under PyTorch and under
autograd_widgets, logging every hook call (which hook, on what, with which values), and the logs must be equal.

Covers node post-hooks after a broadcasting op (gradients already summed to each input's shape), hooks on
AccumulateGrad nodes, leaf and non-leaf tensor hooks during autograd.grad and backward(inputs=...), the
order in which the ready queue runs AccumulateGrad nodes, and factories called without a size."""
import gc
import os
import random
import weakref

import pytest

import autograd_widgets as aw

from raised import raised

torch = pytest.importorskip("torch")


def values(gs):
    return [None if g is None else g.tolist() for g in gs]


def hook_everything(T, root, log, leaves=None):
    """Pre- and post-hooks on every node behind `root` (AccumulateGrad too), tensor hooks on `leaves`
    ({name: tensor}); each call appends (kind, node or leaf name, gradient values) to `log`."""
    seen, stack = set(), [root.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        name = fn.name()
        fn.register_prehook(lambda go, name=name: log.append(("pre", name, values(go))))
        fn.register_hook(lambda gi, go, name=name: log.append(("post", name, values(gi), values(go))))
        stack.extend(n for n, _ in fn.next_functions)
    for name, t in (leaves or {}).items():
        t.register_hook(lambda g, name=name: log.append(("tensor", name, g.tolist())))


def same_log(program):
    """program(T, log) under both libraries: the hook logs and the returned values must be equal."""
    logs = []
    for T in (torch, aw):
        log = []
        out = program(T, log)
        logs.append((log, out))
    assert logs[1] == logs[0]
    return logs[0]


BROADCASTING = [
    ("a * b", lambda a, b: a * b),
    ("a + b", lambda a, b: a + b),
    ("a - b", lambda a, b: a - b),
    ("a / b", lambda a, b: a / b),
    ("a ** b", lambda a, b: a.abs() ** b),
    ("maximum", lambda a, b: a.maximum(b)),
    ("where", lambda a, b: a.where(a > 0.8, b)),
]
SHAPES = [((2,), ()), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2,))]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("name, op", BROADCASTING, ids=[n for n, _ in BROADCASTING])
def test_hooks_after_a_broadcasting_op_see_gradients_summed_to_each_input(name, op, shapes):
    """A node's post-hook gets grad_inputs already summed to each input's shape (a 0-d b gets one number, not
    one per element), and the next nodes' pre-hooks and the leaves' tensor hooks get those same gradients."""
    def program(T, log):
        T.manual_seed(0)
        a = (T.rand(shapes[0], dtype=T.float64) + 0.5).requires_grad_()
        b = (T.rand(shapes[1], dtype=T.float64) + 0.5).requires_grad_()
        y = op(a * 1, b * 1)  # a*1, b*1: MulBackward0 nodes whose pre-hooks see what arrives from the op
        hook_everything(T, y, log, {"a": a, "b": b})
        y.backward(T.ones_like(y))
        return a.grad.tolist(), b.grad.tolist()
    log, _ = same_log(program)
    assert any(entry[0] == "post" for entry in log)


def test_a_broadcast_scalar_gets_the_summed_gradient_at_the_post_hook():
    """The case that was wrong: with a*b and a 0-d b, MulBackward0's post-hook sees 3. for b (PyTorch's value)."""
    def program(T):
        a = T.tensor([1., 2.], requires_grad=True)
        b = T.tensor(3., requires_grad=True)
        seen = []
        y = a * b
        y.grad_fn.register_hook(lambda gi, go: seen.append(values(gi)))
        y.sum().backward()
        return seen
    assert program(aw) == program(torch) == [[[3., 3.], 3.]]


def test_a_post_hook_may_replace_the_summed_gradient():
    """What a post-hook returns for a broadcast input is checked against the summed shape and reaches the leaf."""
    def program(T, log):
        a = T.tensor([1., 2.], requires_grad=True)
        b = T.tensor(3., requires_grad=True)
        y = a * b
        y.grad_fn.register_hook(lambda gi, go: (gi[0], gi[1] * 10))
        y.sum().backward()
        bad = raised(lambda: (lambda z: (z.grad_fn.register_hook(lambda gi, go: (gi[0], T.ones(2))),
                                         z.sum().backward()))(a * b))
        return b.grad.tolist(), bad and (bad[0].__name__, bad[1])
    same_log(program)


def accumulate_hooks(T, log):
    """x's tensor hook (x10), pre-hook (+1) and post-hook on x's AccumulateGrad, in y = sum(2x)."""
    x = T.tensor([1., 2.], requires_grad=True)
    y = (x * 2).sum()
    acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
    x.register_hook(lambda g: (log.append(("tensor", g.tolist())), g * 10)[1])
    acc.register_prehook(lambda go: (log.append(("pre", values(go))), (go[0] + 1,))[1])
    acc.register_hook(lambda gi, go: log.append(("post", values(gi), values(go))))
    return x, y, acc


def test_accumulate_grad_runs_tensor_hooks_then_pre_hooks_then_post_hooks():
    """On an AccumulateGrad node: the leaf's tensor hooks, then the node's pre-hooks (whose result is what
    .grad gets), then its post-hooks with grad_inputs () and grad_outputs (what was accumulated)."""
    def program(T, log):
        x, y, _ = accumulate_hooks(T, log)
        y.backward()
        return x.grad.tolist()
    log, grad = same_log(program)
    assert grad == [21., 21.] and [e[0] for e in log] == ["tensor", "pre", "post"]


def test_an_accumulate_grad_post_hook_may_not_return_gradients():
    """AccumulateGrad sends nothing on: a post-hook returning a gradient raises as in PyTorch; () is accepted."""
    def program(T, log):
        x, y, acc = accumulate_hooks(T, log)
        acc.register_hook(lambda gi, go: ())
        y.backward(retain_graph=True)
        acc.register_hook(lambda gi, go: (T.ones(2),))
        return x.grad.tolist(), raised(lambda: y.backward())
    same_log(program)


def test_autograd_grad_runs_a_leafs_tensor_hooks_but_not_its_node_hooks():
    """autograd.grad(y, x) with x a leaf: x's hooks run (their result is the answer); its AccumulateGrad
    does not run, so neither its pre/post-hooks nor .grad."""
    def program(T, log):
        x, y, _ = accumulate_hooks(T, log)
        w = T.tensor(2., requires_grad=True)
        w.register_hook(lambda g: log.append(("w", g.tolist())))  # not asked for: never reached
        r = T.autograd.grad(y + w * 0, x)
        return values(r), x.grad
    log, (r, grad) = same_log(program)
    assert r == [[20., 20.]] and grad is None and log == [("tensor", [2., 2.])]


def test_autograd_grad_of_a_non_leaf_takes_what_arrived_before_its_hooks_when_its_node_runs_on():
    """autograd.grad(z, [y, x]) with y = 2x (y's node must run to reach x): y's answer is the gradient before
    y's hook; with autograd.grad(z, y) alone y's node stops there and the answer is the hooked one. retain_grad
    sees the hooked value in both."""
    def program(T, log):
        x = T.tensor([1., 2.], requires_grad=True)
        y = x * 2
        y.retain_grad()
        z = (y * 3).sum()
        y.register_hook(lambda g: (log.append(("y", g.tolist())), g * 10)[1])
        y.grad_fn.register_prehook(lambda go: log.append(("y pre", values(go))))
        x.register_hook(lambda g: (log.append(("x", g.tolist())), g + 1)[1])
        both = T.autograd.grad(z, [y, x], retain_graph=True)
        alone = T.autograd.grad(z, y)
        return values(both), values(alone), y.grad.tolist(), x.grad
    _, (both, alone, ygrad, _) = same_log(program)
    assert both == [[3., 3.], [61., 61.]] and alone == [[30., 30.]] and ygrad == [60., 60.]


def test_backward_with_inputs_runs_the_non_leafs_node_but_nothing_past_it():
    """backward(inputs=[y]) with y non-leaf: y's hook, then y's grad_fn runs with its pre- and post-hooks,
    and x (not asked for) gets no hook call and no .grad."""
    def program(T, log):
        x = T.tensor([1., 2.], requires_grad=True)
        y = x * 2
        z = (y * 3).sum()
        y.register_hook(lambda g: (log.append(("y", g.tolist())), g * 10)[1])
        y.grad_fn.register_prehook(lambda go: log.append(("y pre", values(go))))
        y.grad_fn.register_hook(lambda gi, go: log.append(("y post", values(gi))))
        x.register_hook(lambda g: log.append(("x", g.tolist())))
        z.backward(inputs=[y])
        return y.grad.tolist(), x.grad
    log, _ = same_log(program)
    assert [e[0] for e in log] == ["y", "y pre", "y post"]


def conv(T):
    x = T.randn(1, 1, 4, 4, requires_grad=True)
    c = T.nn.Conv2d(1, 2, 2)
    return c(x).sum(), {"x": x, "w": c.weight, "b": c.bias}


def conv_no_input_grad(T):
    c = T.nn.Conv2d(1, 2, 2)
    return c(T.randn(1, 1, 4, 4)).sum(), {"w": c.weight, "b": c.bias}


def mlp(T):
    x = T.randn(3, 2, requires_grad=True)
    l1, l2 = T.nn.Linear(2, 4), T.nn.Linear(4, 1)
    return l2(l1(x).tanh()).sum(), {"x": x, "w1": l1.weight, "b1": l1.bias, "w2": l2.weight, "b2": l2.bias}


def sum_of_three(T):
    a, b, c = (T.tensor(v, requires_grad=True) for v in ([1., 2.], 3., 4.))
    return (a + b + c).sum(), {"a": a, "b": b, "c": c}


def reused(T):
    x, y = T.tensor([1., 2.], requires_grad=True), T.tensor([3., 4.], requires_grad=True)
    z = x * y
    return (z * x + z * y).sum(), {"x": x, "y": y}


def stacked(T):
    ps = [T.tensor(float(i), requires_grad=True) for i in range(7)]
    return T.stack(ps).sum(), {f"p{i}": p for i, p in enumerate(ps)}


def cat_of_leaves(T):
    ps = [T.tensor([float(i)] * 2, requires_grad=True) for i in range(5)]
    return (T.cat(ps) * T.cat(ps[::-1])).sum(), {f"p{i}": p for i, p in enumerate(ps)}


@pytest.mark.parametrize("graph", [conv, conv_no_input_grad, mlp, sum_of_three, reused, stacked, cat_of_leaves])
def test_hooks_run_in_pytorchs_order(graph):
    """Every node's pre/post-hooks and the leaves' tensor hooks run in PyTorch's order: AccumulateGrad nodes
    ready at the same time (a conv's weight and bias, the leaves of a stack) run in the order PyTorch's ready
    queue pops them, and each sees PyTorch's values."""
    def program(T, log):
        T.manual_seed(0)
        y, leaves = graph(T)
        hook_everything(T, y, log, leaves)
        y.backward()
        return {k: [round(v, 5) for v in t.grad.flatten().tolist()] for k, t in leaves.items()}
    log, _ = same_log_rounded(program)
    assert len(log) > 4


def same_log_rounded(program):
    """same_log where sums may be added in another order: values in the log and the result rounded to 5
    significant digits (NaN as "nan")."""
    def rounded(v):
        if isinstance(v, float):
            return "nan" if v != v else float(f"{v:.5g}")
        if isinstance(v, (list, tuple)):
            return [rounded(x) for x in v]
        if isinstance(v, dict):
            return {k: rounded(x) for k, x in v.items()}
        return v

    def run(T, log):
        raw = []
        out = program(T, raw)
        log.extend(rounded(list(e)) for e in raw)
        return rounded(out)
    return same_log(run)


@pytest.mark.parametrize("call", [
    "ones()", "zeros()", "empty()", "rand()", "randn()", "rand(dtype=T.float64)", "randn(requires_grad=True)",
    "ones(None)", "ones(2, None)", "zeros((2, None))", "ones(2.5)", "rand(None)", "full()", "full((2,))", "full(2, 1.)", "full(fill_value=1.)", "full((2, None), 1.)",
    "zeros(())", "rand(())", "ones([2, 3])",
])
def test_factories_without_a_usable_size_refuse_as_pytorch(call):
    """torch.ones() and friends need a size: PyTorch's TypeError and words; `()` is a 0-d tensor."""
    def program(T):
        out = raised(lambda: eval("T." + call, {"T": T}))
        return out if out is not None else tuple(eval("T." + call, {"T": T}).shape)
    assert program(aw) == program(torch)


@pytest.mark.parametrize("name", ["mul", "mm", "where", "linear", "conv", "maximum", "stack", "cat"])
def test_post_hooks_see_none_where_pytorch_computes_no_gradient(name):
    """A built-in node computes no gradient for an input that takes none (a constant) nor, in autograd.grad,
    for one on no path to the inputs asked for: its post-hook sees None there. cat and stack compute their
    list of inputs' gradients all together, so they see every one, the constant's too."""
    ops = {
        "mul": lambda T, x, c, w: x * w * c,
        "mm": lambda T, x, c, w: x[:, None] @ w[None, :],
        "where": lambda T, x, c, w: T.where(c > 3.5, x, w),
        "linear": lambda T, x, c, w: T.nn.functional.linear(x[None], w[None], w[:1]),
        "conv": lambda T, x, c, w: T.nn.functional.conv1d(x[None, None], w[None, None], c[:1]),
        "maximum": lambda T, x, c, w: T.maximum(x, w),
        "stack": lambda T, x, c, w: T.stack([x, c, w]),
        "cat": lambda T, x, c, w: T.cat([x, c, w]),
    }

    def program(T, log):
        x, w = T.tensor([1., 2.], requires_grad=True), T.tensor([5., 6.], requires_grad=True)
        c = T.tensor([3., 4.])
        y = ops[name](T, x, c, w)
        y.grad_fn.register_hook(lambda gi, go: log.append(values(gi)))
        first = T.autograd.grad(y.sum(), x, retain_graph=True)
        y.sum().backward()
        return values(first), x.grad.tolist(), w.grad.tolist()
    same_log(program)


def random_program(T, seed, log, mode):
    """A random graph over 2-5 float64 leaves of broadcasting shapes (arithmetic, reductions, views, a custom
    Function), some intermediates with retain_grad and doubling tensor hooks, every node hooked; then backward
    (mode "backward") or autograd.grad of some leaves and intermediates, sometimes with create_graph."""
    rnd = random.Random(seed)
    T.manual_seed(seed)

    class Square(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a)
            return a * a + b

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return 2 * a * g, g

    ops = {
        "add": lambda a, b: a + b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
        "exp": lambda a, b: a.exp(), "pow": lambda a, b: a ** 2, "mean": lambda a, b: a.mean(),
        "sum": lambda a, b: a.sum(0) if a.dim() else a.sum(), "reshape": lambda a, b: a.reshape(-1),
        "t": lambda a, b: a.t() if a.dim() == 2 else a.unsqueeze(0), "index": lambda a, b: a[0] if a.dim() else a * 1,
        "expand": lambda a, b: a.expand(2, *a.shape), "cat": lambda a, b: T.cat([a.reshape(-1), b.reshape(-1)]),
        "matmul": lambda a, b: a.reshape(-1)[:1] @ b.reshape(-1)[:1],
        "function": lambda a, b: Square.apply(a, b) if (a + b).shape == a.shape else a + b,
    }
    shapes = [(), (3,), (2, 3), (2, 1), (1, 3)]
    leaves = {f"l{i}": (T.rand(rnd.choice(shapes), dtype=T.float64) + 0.5).requires_grad_()
              for i in range(rnd.randint(2, 5))}
    pool, named = list(leaves.values()), {}
    for k in range(rnd.randint(1, 9)):
        a, b = rnd.choice(pool), rnd.choice(pool)
        try:
            r = ops[rnd.choice(sorted(ops))](a, b)
        except RuntimeError:  # shapes that do not broadcast (both libraries refuse them alike)
            r = a * 1
        if rnd.random() < 0.3:
            named[f"t{k}"] = r
            if rnd.random() < 0.5:
                r.retain_grad()
            if rnd.random() < 0.5:
                r.register_hook(lambda g, k=k: (log.append(("hook", k, g.tolist())), g * 2)[1])
        pool.append(r)
    y = sum((p.sum() for p in pool[-3:]), T.zeros((), dtype=T.float64))
    hook_everything(T, y, log, leaves)
    create_graph = rnd.random() < 0.3
    if mode == "backward":
        y.backward(create_graph=create_graph)
        return {k: t.grad.tolist() for k, t in {**leaves, **named}.items() if t.grad is not None}
    asked = list(leaves.values())[:rnd.randint(1, len(leaves))] + list(named.values())[:rnd.randint(0, len(named))]
    got = T.autograd.grad(y, asked, allow_unused=True, create_graph=create_graph)
    return values(got), {k: t.grad.tolist() for k, t in named.items() if t.retains_grad and t.grad is not None}


@pytest.mark.parametrize("mode", ["backward", "grad"])
@pytest.mark.parametrize("seed", range(int(os.environ.get("AW_FUZZ_EXAMPLES", 30))))
def test_random_programs_call_the_same_hooks_with_the_same_values_in_the_same_order(seed, mode):
    """Random graphs (random_program): PyTorch's hook log (every node's pre/post-hooks, leaf and intermediate
    tensor hooks) and the resulting gradients, and this core's, are equal call by call."""
    same_log_rounded(lambda T, log: random_program(T, seed, log, mode))


def test_post_accumulate_grad_hook_runs_in_every_later_backward_and_stops_when_removed():
    """A hook registered before any graph exists sees the leaf with its accumulated .grad after each backward,
    also after earlier graphs were freed; autograd.grad does not accumulate, so it does not call it."""
    def program(T, log):
        x = T.tensor([1., 2.], requires_grad=True)
        handle = x.register_post_accumulate_grad_hook(lambda p: log.append(("acc", p is x, p.grad.tolist())))
        (x * 3).sum().backward()
        gc.collect()  # the first graph, and any node only it held, is gone
        (x * x).sum().backward()
        T.autograd.grad((x * 2).sum(), x)
        handle.remove()
        (x * 1).sum().backward()
        return x.grad.tolist()
    assert same_log(program)[0] == [("acc", True, [3.0, 3.0]), ("acc", True, [5.0, 7.0])]


def test_post_accumulate_grad_hook_runs_after_accumulating_between_the_nodes_hooks():
    """Order at a leaf: tensor hook, node pre-hook, accumulation, post-accumulate hook, node post-hook;
    with backward(inputs=...) only the leaves asked for accumulate, so only their hooks run."""
    def program(T, log):
        z, w = T.tensor([1.], requires_grad=True), T.tensor([4.], requires_grad=True)
        z.register_hook(lambda g: log.append("tensor"))
        z.register_post_accumulate_grad_hook(lambda p: log.append(("acc z", p.grad.tolist())))
        w.register_post_accumulate_grad_hook(lambda p: log.append(("acc w", p.grad.tolist())))
        node = (z * 2).grad_fn.next_functions[0][0]
        node.register_hook(lambda gi, go: log.append("node post"))
        node.register_prehook(lambda go: log.append("node pre"))
        (z * 2 * w).sum().backward()
        (z * w).sum().backward(inputs=[w])
        return z.grad.tolist(), w.grad.tolist()
    log = same_log(program)[0]
    assert log[1:5] == ["tensor", "node pre", ("acc z", [8.0]), "node post"]
    assert log[0] == ("acc w", [2.0]) and log[5:] == [("acc w", [3.0])]


def test_post_accumulate_grad_hooks_step_an_optimizer_inside_backward_as_pytorch():
    """The optimizer-in-backward pattern (PyTorch's tutorial): each parameter's SGD step runs in its hook."""
    def program(T, log):
        T.manual_seed(0)
        layer = T.nn.Linear(3, 2)
        steps = {p: T.optim.SGD([p], lr=0.1) for p in layer.parameters()}

        def step(p):
            steps[p].step()
            steps[p].zero_grad()
        for p in layer.parameters():
            p.register_post_accumulate_grad_hook(step)
        for _ in range(3):
            layer(T.ones(4, 3, dtype=T.float32)).pow(2).sum().backward()
        return [[round(v, 5) for v in p.detach().reshape(-1).tolist()] for p in layer.parameters()]
    same_log(program)


@pytest.mark.parametrize("call, made", [
    ("x.register_post_accumulate_grad_hook(print)", "T.ones(2, requires_grad=True) * 2"),
    ("x.register_post_accumulate_grad_hook(print)", "T.ones(2)"),
    ("x.register_post_accumulate_grad_hook(lambda p: 5); (x * 1).sum().backward()", "T.ones(2, requires_grad=True)"),
    ("x.register_post_accumulate_grad_hook(lambda p: p.grad); (x * 1).sum().backward()",
     "T.ones(2, requires_grad=True)"),
])
def test_post_accumulate_grad_hook_refusals_are_pytorchs(call, made):
    """A non-leaf, a tensor without grad, a hook returning a number or a tensor: PyTorch's type and words."""
    def program(T):
        names = {"T": T}
        exec(f"x = {made}", names)
        return raised(lambda: exec(call, names))
    assert program(aw) == program(torch) is not None


def _hooks_where_nothing_arrives(T):
    """Hooks on a path a custom Function cuts (its backward returns None): what each one is called with."""
    log = []

    class Cut(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return None

    p = T.ones(2, requires_grad=True)
    q = p * 3
    listed = lambda gs: [None if g is None else g.tolist() for g in gs]  # noqa: E731
    q.register_hook(lambda g: log.append(("tensor", g)))
    q.grad_fn.register_prehook(lambda gs: log.append(("pre", listed(gs))))
    q.grad_fn.register_hook(lambda gi, go: log.append(("post", listed(gi), listed(go))))
    p.register_hook(lambda g: log.append(("leaf", g)))
    w = T.ones(2, requires_grad=True)
    (Cut.apply(q) + w).sum().backward()
    return log + [("grads", p.grad, w.grad.tolist())]


def test_hooks_of_a_node_nothing_reaches_are_called_with_none_as_in_pytorch():
    """Tensor, pre-, post- and leaf hooks behind a cut path all run, seeing None; the leaf's .grad stays None."""
    assert _hooks_where_nothing_arrives(aw) == _hooks_where_nothing_arrives(torch)
    assert _hooks_where_nothing_arrives(aw)[0] == ("tensor", None)


def _post_accumulate_after_an_earlier_node_hook(T):
    """A post-hook put on the leaf's AccumulateGrad first, then a post-accumulate hook: who runs when."""
    log = []
    x = T.ones(2, requires_grad=True)
    y = x * 3
    y.grad_fn.next_functions[0][0].register_hook(lambda gi, go: log.append(("node post", x.grad.tolist())))
    x.register_post_accumulate_grad_hook(lambda p: log.append(("post-accumulate", p.grad.tolist())))
    y.sum().backward()
    (x * 2).sum().backward()
    return log


def test_post_accumulate_hooks_run_inside_the_node_before_its_post_hooks_as_pytorch():
    """PyTorch calls post-accumulate hooks inside AccumulateGrad, so before the node's own post-hooks
    whatever the order they were registered in; and the hooks live on the tensor (no cycle keeps it)."""
    assert _post_accumulate_after_an_earlier_node_hook(aw) == _post_accumulate_after_an_earlier_node_hook(torch)
    x = aw.ones(2, requires_grad=True)
    x.register_post_accumulate_grad_hook(lambda p: None)
    (x * 2).sum().backward()
    alive = weakref.ref(x)
    del x
    assert alive() is None  # freed by its reference count, not left for the garbage collector
