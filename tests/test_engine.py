"""The engine itself: depth, order, freeing saved tensors, memory, higher orders, observe()."""
import gc
import tracemalloc

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets import engine


def test_a_million_op_chain_backwards_and_frees_without_recursion():
    """Depth is no limit: backward walks a 1,000,000-node chain iteratively, and dropping it recurses nowhere.

    Adding a number is the cheapest op to record (its gradient passes through unchanged), so the test
    spends its time in the engine's walk rather than in arithmetic. The last op scales by 3 so the
    gradient arriving at x proves the whole chain was traversed.
    """
    x = aw.tensor([0.5], dtype=aw.float64, requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    assert y.item() == 1_000_000.5
    (y * 3).sum().backward()
    assert x.grad.item() == 3.0
    del y  # a million nodes, each holding the next: freed by the interpreter's iterative deallocation
    gc.collect()


def test_ready_nodes_run_newest_first_as_pytorch_does():
    a = aw.tensor([1., 2.], requires_grad=True)
    b = a * 2       # created first
    c = a.exp()     # created second
    d = (b + c).sum()
    with engine.observe() as trace:
        d.backward()
    names = [type(s.node).__name__ for s in trace.steps]
    assert names == ["SumBackward0", "AddBackward0", "ExpBackward0", "MulBackward0", "AccumulateGrad"]


def test_order_matches_pytorch_on_a_diamond():
    torch = pytest.importorskip("torch")

    def order(T):
        seen = []
        a = T.tensor([1., 2.], requires_grad=True)
        b, c = a * 2, a.sin()
        d = (b * c).tanh() + b.exp()
        for t, name in ((b, "b"), (c, "c"), (d, "d")):
            t.register_hook(lambda g, name=name: seen.append(name))
        a.register_hook(lambda g: seen.append("a"))
        d.sum().backward()
        return seen
    assert order(aw) == order(torch)


def test_observe_records_each_step_with_the_gradients_on_its_edges():
    a = aw.tensor([2., 3.], requires_grad=True)
    b = a * a
    out = b.sum()
    with engine.observe() as trace:
        out.backward()
    assert trace.dependencies[b.grad_fn] == 1
    steps = {type(s.node).__name__: s for s in trace.steps}
    np.testing.assert_array_equal(steps["MulBackward0"].grad_outputs[0].numpy(), [1., 1.])
    np.testing.assert_array_equal(steps["MulBackward0"].grad_inputs[0].numpy(), [2., 3.])
    assert [s.index for s in trace.steps] == list(range(len(trace.steps)))
    assert trace.steps[-1].ready == () and all(s.released for s in trace.steps)
    np.testing.assert_array_equal(a.grad.numpy(), [4., 6.])


def test_saved_tensors_are_freed_unless_retained():
    a = aw.tensor([1., 2.], requires_grad=True)
    b = a.exp()
    node = b.grad_fn
    np.testing.assert_allclose(node._saved_result.detach().numpy(), np.exp([1., 2.]))
    b.sum().backward(retain_graph=True)
    assert node._saved_result is not None
    b.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        node._saved_result  # noqa: B018 - accessing it is the test
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        b.sum().backward()


def test_training_memory_stays_flat():
    rng = np.random.default_rng(0)
    X = aw.tensor(rng.standard_normal((32, 8)), dtype=aw.float32)
    Y = aw.tensor(rng.standard_normal((32, 1)), dtype=aw.float32)
    W1 = aw.tensor(rng.standard_normal((8, 16)) * 0.3, dtype=aw.float32, requires_grad=True)
    W2 = aw.tensor(rng.standard_normal((16, 1)) * 0.3, dtype=aw.float32, requires_grad=True)

    def step():
        loss = aw.nn.functional.mse_loss((X @ W1).tanh() @ W2, Y)
        loss.backward()
        with aw.no_grad():
            for p in (W1, W2):
                p -= 0.05 * p.grad
                p.grad = None
        return loss.item()

    first = step()
    tracemalloc.start()
    for _ in range(100):
        step()
    at_100 = tracemalloc.get_traced_memory()[0]
    for _ in range(900):
        last = step()
    at_1000 = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert last < first  # it trains
    assert at_1000 - at_100 < 64 * 1024, f"grew {at_1000 - at_100} bytes over 900 steps"


def test_third_derivative_through_create_graph():
    x = aw.tensor(0.7, dtype=aw.float64, requires_grad=True)
    y = x.sin() * x ** 3
    d1, = aw.autograd.grad(y, x, create_graph=True)
    d2, = aw.autograd.grad(d1, x, create_graph=True)
    d3, = aw.autograd.grad(d2, x)
    s, c, v = np.sin(0.7), np.cos(0.7), 0.7
    expected = -c * v ** 3 - 9 * s * v ** 2 + 18 * c * v + 6 * s  # d³/dx³ of x³ sin x
    assert d3.item() == pytest.approx(expected, rel=1e-12)


def test_retain_grad_and_hooks_see_the_gradient_arriving():
    a = aw.tensor([1., 2.], requires_grad=True)
    b = a * 3
    b.retain_grad()
    seen = []
    b.register_hook(lambda g: seen.append(g.tolist()))
    (b * b).sum().backward()
    assert seen == [[6., 12.]]
    np.testing.assert_array_equal(b.grad.numpy(), [6., 12.])
    np.testing.assert_array_equal(a.grad.numpy(), [18., 36.])


def test_backward_inputs_fills_only_those():
    a = aw.tensor([1., 2.], requires_grad=True)
    b = aw.tensor([3., 4.], requires_grad=True)
    c = a * b
    m = c * 1
    c.retain_grad()
    m.sum().backward(inputs=[a, c])
    np.testing.assert_array_equal(a.grad.numpy(), [3., 4.])
    assert b.grad is None
    np.testing.assert_array_equal(c.grad.numpy(), [1., 1.])


def _nodes(root):
    """Every node reachable from `root`, each once."""
    seen, stack = {root}, [root]
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _tangle(T):
    """A graph with shared subexpressions, a node feeding three others, and two outputs."""
    a = T.tensor([0.5, -1.0], requires_grad=True)
    b = T.tensor([2.0, 0.25], requires_grad=True)
    s = a * b
    t = s.exp() + s.sin() * a
    u = (t * s).tanh()
    v = u.sum() + (t - b).pow(2).mean()
    w = (s.sigmoid() * u).sum()
    return a, b, v, w


def _ran_order(T, trace_too=False):
    """Names in the order nodes actually ran (seen by pre-hooks, and by leaf hooks for AccumulateGrad)."""
    a, b, v, w = _tangle(T)
    ran = []
    for fn in _nodes(v.grad_fn) | _nodes(w.grad_fn):
        if type(fn).__name__ != "AccumulateGrad":
            fn.register_prehook(lambda grads, fn=fn: ran.append(fn))
    for leaf in (a, b):
        leaf.register_hook(lambda g, leaf=leaf: ran.append(("leaf", id(leaf))))
    if trace_too:
        with engine.observe() as trace:
            T.autograd.backward([v, w])
        return ran, trace
    T.autograd.backward([v, w])
    return ran


def test_observe_records_the_order_nodes_actually_ran():
    ran, trace = _ran_order(aw, trace_too=True)
    stepped = [("leaf", id(s.node.variable)) if type(s.node).__name__ == "AccumulateGrad" else s.node
               for s in trace.steps]
    assert stepped == ran
    assert len(set(map(id, stepped))) == len(stepped), "each node runs once"


def test_order_on_a_tangled_graph_with_two_outputs_matches_pytorch():
    torch = pytest.importorskip("torch")

    def names(T):
        return [x if isinstance(x, tuple) else type(x).__name__ for x in _ran_order(T)]
    ours, theirs = names(aw), names(torch)
    assert [n if isinstance(n, str) else "leaf" for n in ours] == [n if isinstance(n, str) else "leaf" for n in theirs]


def test_a_node_runs_only_when_all_its_gradients_have_arrived():
    """The engine counts dependencies: a node fed by k edges waits for k gradients, then runs once with their sum."""
    _, _, v, w = _tangle(aw)
    roots = {v.grad_fn, w.grad_fn}
    with engine.observe() as trace:
        aw.autograd.backward([v, w])
    edges_into = {}
    for fn in _nodes(v.grad_fn) | _nodes(w.grad_fn):
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                edges_into[nxt] = edges_into.get(nxt, 0) + 1
    assert trace.dependencies == edges_into
    position = {s.node: s.index for s in trace.steps}
    for step in trace.steps:
        for nxt, _ in step.node.next_functions:
            if nxt is not None:
                assert position[nxt] > step.index, "a node runs after every node that sends it a gradient"
        if step.node not in roots:
            assert step.node not in step.dependencies  # nothing left to wait for once it runs
    # the gradient a node receives is the sum of what its consumers sent along the edges to it
    sent = {}
    for step in trace.steps:
        for (nxt, nr), g in zip(step.node.next_functions, step.grad_inputs):
            if nxt is not None and g is not None:
                sent.setdefault((nxt, nr), []).append(g.numpy())
    for step in trace.steps:
        for nr, g in enumerate(step.grad_outputs):
            if (step.node, nr) in sent:
                np.testing.assert_allclose(g.numpy(), sum(np.broadcast_to(x, g.shape) for x in sent[(step.node, nr)]))


@pytest.mark.parametrize("module", ["autograd_widgets", "torch"])
def test_a_none_gradient_on_one_path_does_not_hold_back_the_others(module):
    """A backward that returns None for an input counts as arrived: the input still gets the gradients of
    its other paths (conv's double backward returns None for its input, so a conv net's second derivative
    depends on this)."""
    T = pytest.importorskip(module)

    class KeepFirst(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return g, None
    x = T.tensor([1., 2.], requires_grad=True)
    out = KeepFirst.apply(x * x, x).sum()
    g, = T.autograd.grad(out, x, retain_graph=True)
    assert g.tolist() == [2., 4.]
    out.backward()
    assert x.grad.tolist() == [2., 4.]
    y = KeepFirst.apply(T.ones(2, requires_grad=True), x)  # x gets None only: no gradient at all
    assert T.autograd.grad(y.sum(), x, allow_unused=True) == (None,)


def test_each_op_class_records_with_its_own_settings_even_when_set_after_the_class():
    """Op.apply is built per class with the class's settings in its closure (node.py: _recorder); setting one
    afterwards (as pointwise.py does for tanh's `quiet`) must reach the next call through every reference
    taken before, and MultiOp keeps its own apply."""
    from autograd_widgets.node import MultiOp, Op

    class Halve(Op):
        args = ("self",)
        def forward(ctx, a):
            return a / 2
        def backward(ctx, g):
            return (g / 2,)

    class Split2(MultiOp):
        args = ("self",)
        def forward(ctx, a):
            return a * 1.0, a * 2.0
        def backward(ctx, g1, g2):
            return (g1 + 2 * g2,)

    x = aw.tensor([1.0, 4.0], requires_grad=True)
    halve = Halve.apply  # taken once, as Tensor.__add__ and the module functions take theirs
    assert halve(x).tolist() == [0.5, 2.0]
    Halve.forward = lambda ctx, a: a / 4  # a setting bound into apply, set after the class was made
    y = halve(x)
    assert y.tolist() == [0.25, 1.0] and type(y.grad_fn) is Halve and Halve.apply is halve
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Halve.forward = lambda ctx, a: a / 0.0
        Halve.quiet = False  # warnings on: NumPy's RuntimeWarning for 1/0 reaches the user
        Halve.apply(x)
        Halve.quiet = True
        Halve.apply(x)
    assert [str(w.message) for w in caught] == ["divide by zero encountered in divide"]
    a, b = Split2.apply(x)
    (a.sum() + b.sum()).backward()
    assert x.grad.tolist() == [3.0, 3.0] and a.grad_fn is b.grad_fn

    class Again(Halve):
        pass
    again = Again.apply
    Again.forward = lambda ctx, a: a * 3  # as pytest's monkeypatch sets and then deletes an inherited one
    assert again(x).tolist() == [3.0, 12.0]
    del Again.forward
    Halve.forward = lambda ctx, a: a - 1  # the subclass inherits the parent's, set later too
    assert again(x).tolist() == [0.0, 3.0] and Halve.apply(x).tolist() == [0.0, 3.0]


def test_ops_stay_silent_on_inf_when_another_thread_is_inside_an_op():
    """Forward runs inside one context with NumPy's warnings off (backend.quiet_run); a thread that finds
    it entered by another thread turns them off itself: inf and nan come silently either way, as in PyTorch."""
    import threading
    import warnings
    from autograd_widgets.node import Op

    inside, release, seen = threading.Event(), threading.Event(), []

    class Waits(Op):
        args = ("self",)
        def forward(ctx, a):
            inside.set()
            release.wait(10)
            return a * 2.0
        def backward(ctx, g):
            return (g * 2.0,)

    x = aw.tensor([1e308, 0.0], dtype=aw.float64, requires_grad=True)
    worker = threading.Thread(target=lambda: seen.append(Waits.apply(x)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        worker.start()
        assert inside.wait(10)
        y = x * 10.0  # the context is entered by the worker now
        z = x / 0.0
        release.set()
        worker.join(10)
    assert y.tolist() == [float("inf"), 0.0] and np.isnan(z[1].item()) and z[0].item() == float("inf")
    assert seen[0].tolist() == [float("inf"), 0.0] and type(seen[0].grad_fn) is Waits
    assert [str(w.message) for w in caught] == []
    with warnings.catch_warnings(record=True) as caught:  # the user's own NumPy still warns
        warnings.simplefilter("always")
        np.array([1.0]) / 0.0
    assert [str(w.message) for w in caught] == ["divide by zero encountered in divide"]


def _recorded(t):
    """What a recorded op kept: its class, edges, output numbers, metadata, saved values and their versions."""
    fn = t.grad_fn
    saved = [(type(s).__name__, s._data.tolist()) if hasattr(s, "_data") else s for s in fn._saved]
    return type(fn), fn._fns, fn._nrs, fn._meta, saved, fn._versions, t.tolist()


def test_the_one_and_two_operand_path_records_what_the_general_path_records():
    """Op.apply unrolls calls of one or two operands (node.py: _recorder); anything else (keywords, a NumPy
    scalar operand, ...) takes the general loop. The same op on the same values must record the same node
    either way: edges to the same nodes, output numbers (a second output of unbind), saved values and
    versions (so an in-place change after saving is caught on both), and the same gradients."""
    from autograd_widgets.node import Op
    from autograd_widgets.ops.pointwise import AddBackward0, MulBackward0

    class Scaled(Op):  # saves each factor for the other's gradient, as mul; k=1.0 sends a call to the loop
        args = saves = ("self", "other")
        saves_if = {"self": "other", "other": "self"}
        def forward(ctx, a, b, k=1.0):
            return a * b * k
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            need = ctx.needs_input_grad
            return (g * b if need[0] else None), (g * a if need[1] else None)

    class Cube(Op):  # one input, saved
        args = saves = ("self",)
        def forward(ctx, a, k=1.0):
            return a * a * a * k
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return (g * 3.0 * a * a,)

    base = aw.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=aw.float64, requires_grad=True)
    u, v = base.unbind(0)  # v is output 1 of UnbindBackward0
    w = aw.tensor([0.5, -1.0], dtype=aw.float64, requires_grad=True)
    c = aw.tensor([2.0, 3.0], dtype=aw.float64)
    pairs = [  # (unrolled, general)
        (AddBackward0.apply(v, w), AddBackward0.apply(v, w, alpha=1)),
        (AddBackward0.apply(w, v), AddBackward0.apply(w, v, alpha=1)),
        (MulBackward0.apply(v, 3.0), MulBackward0.apply(v, np.float64(3.0))),
        (Scaled.apply(u, w), Scaled.apply(u, w, k=1.0)),
        (Scaled.apply(v, c), Scaled.apply(v, c, k=1.0)),
        (Scaled.apply(c, v), Scaled.apply(c, v, k=1.0)),
        (Cube.apply(v), Cube.apply(v, k=1.0)),
    ]
    for fast, general in pairs:
        assert fast.grad_fn is not general.grad_fn and _recorded(fast) == _recorded(general)
    assert pairs[0][0].grad_fn._nrs == (1, 0) and pairs[1][0].grad_fn._nrs == (0, 1)
    assert pairs[2][0].grad_fn._fns == (v.grad_fn, None) and pairs[5][0].grad_fn._fns == (None, v.grad_fn)
    assert pairs[3][0].grad_fn._fns[0] is u.grad_fn and pairs[3][0].grad_fn._nrs == (0, 0)
    assert [type(s).__name__ for s in pairs[4][0].grad_fn._saved] == ["NoneType", "Tensor"]  # c: v's factor only
    with aw.no_grad():  # nothing recorded on either path
        assert AddBackward0.apply(v, w).grad_fn is None and Cube.apply(v).grad_fn is None
        assert AddBackward0.apply(v, w, alpha=1).grad_fn is None
    for fast, general in pairs[3:]:
        gf = aw.autograd.grad(fast.sum(), base, retain_graph=True)[0]
        gg = aw.autograd.grad(general.sum(), base, retain_graph=True)[0]
        assert gf.tolist() == gg.tolist()
    x = aw.tensor([1.0, 2.0], dtype=aw.float64, requires_grad=True) * 1.0
    fast, general = Scaled.apply(x, w), Scaled.apply(x, w, k=1.0)
    x.add_(1.0)
    for y in (fast, general):
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_unary_functions_and_methods_are_their_ops_recorder_and_follow_later_settings(monkeypatch):
    """torch.tanh(x) and x.tanh() are TanhBackward0's recorder itself (node.py: entry_point); another call
    form goes to the checks, and a setting set on the op class afterwards reaches them as it reaches apply."""
    from autograd_widgets.ops.pointwise import TanhBackward0
    torch = pytest.importorskip("torch")
    x = aw.tensor([0.5, -1.0], dtype=aw.float64, requires_grad=True)
    p = aw.nn.Parameter(aw.tensor([0.5, -1.0], dtype=aw.float64))
    tx = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    for ours, theirs in ((aw.tanh(x), torch.tanh(tx)), (x.tanh(), tx.tanh()), (aw.tanh(input=x), torch.tanh(input=tx)),
                         (aw.tanh(p), torch.tanh(tx))):
        assert ours.tolist() == theirs.tolist() and ours.grad_fn.name() == theirs.grad_fn.name()
    out = aw.empty(2, dtype=aw.float64)
    assert aw.tanh(x.detach(), out=out) is out and out.tolist() == torch.tanh(tx.detach()).tolist()
    for call in (lambda m, t: t.tanh(1), lambda m, t: m.tanh(t, 1), lambda m, t: m.tanh()):
        with pytest.raises(TypeError) as theirs:
            call(torch, tx)
        with pytest.raises(TypeError) as ours:
            call(aw, x)
        assert str(ours.value).startswith(str(theirs.value))
    import inspect  # help() shows PyTorch's form, not the recorder's (a=..., b=..., /, *more, **params)
    assert str(inspect.signature(aw.tanh)) == "(input, *, out=None)"
    assert list(inspect.signature(aw.Tensor.tanh).parameters)[0] == "self"
    assert str(inspect.signature(aw.Tensor.__mul__)) == "(self, other)"
    monkeypatch.setattr(TanhBackward0, "forward", lambda ctx, a: a * 0.0 + 7.0)
    assert aw.tanh(x).tolist() == [7.0, 7.0] and x.tanh().tolist() == [7.0, 7.0]
    monkeypatch.undo()
    assert aw.tanh(x).tolist() == torch.tanh(tx).tolist()


@pytest.mark.parametrize("op, needs", [(op, needs) for op in ("mul", "mm", "mul_number")
                                       for needs in ((True, True), (True, False), (False, True))
                                       if op != "mul_number" or needs[0]])  # a number needs no gradient
def test_factors_are_saved_for_each_others_gradient_as_pytorch_saves_them(op, needs):
    """mul and mm keep `self` only for other's gradient and `other` only for self's (node.py: the crossed
    save plan, written out on the one-and-two-operand path): which is kept, and an in-place change after
    the op, fail or pass backward exactly as in PyTorch."""
    torch = pytest.importorskip("torch")

    def factors(T):  # fresh non-leaf factors (or constants), so each run's graph is its own
        a, b = T.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=T.float64), T.tensor([[0.5, -1.0], [2.0, 1.5]], dtype=T.float64)
        return [T.tensor(t.tolist(), dtype=T.float64, requires_grad=True) * 1.0 if need else t
                for t, need in zip((a, b), needs)]

    def product(a, b):
        return a * b if op == "mul" else a.mm(b) if op == "mm" else a * 2.5

    def run(T):
        fn = product(*factors(T)).grad_fn
        kept = [fn._saved_self is not None, getattr(fn, "_saved_mat2" if op == "mm" else "_saved_other") is not None]
        outcomes = []
        for which in (0, 1):
            ab = factors(T)
            z = product(*ab).sum()
            with T.no_grad():
                ab[which].add_(1.0)  # after the op: a factor kept for backward is now stale
            try:
                z.backward()
                outcomes.append("ok")
            except RuntimeError as e:
                outcomes.append("modified" if "modified by an inplace operation" in str(e) else str(e))
        return kept, outcomes
    assert run(aw) == run(torch)
