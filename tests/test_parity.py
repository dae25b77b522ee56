"""The same programs under PyTorch and autograd_widgets: values, reprs, graphs and errors agree."""
import warnings

import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")


def graph(fn, depth=12):
    """A node's class name and its next_functions, recursively, as nested tuples."""
    if fn is None:
        return None
    if depth == 0:
        return type(fn).__name__
    return (type(fn).__name__, fn.name(), tuple((graph(n, depth - 1), i) for n, i in fn.next_functions))


def fingerprint(x):
    """What a learner can observe of a result, in plain Python values."""
    if isinstance(x, (aw.Tensor, torch.Tensor)):
        return ("tensor", repr(x), tuple(x.shape), str(x.dtype), x.requires_grad, x.is_leaf, graph(x.grad_fn),
                repr(x.grad) if x.is_leaf or x.retains_grad else "-")
    if isinstance(x, (tuple, list)):
        return type(x).__name__, tuple(fingerprint(y) for y in x)
    if type(x).__name__.endswith(("Backward0", "Backward1", "Backward", "AccumulateGrad", "CopySlices",
                                  "Backwards")):
        return ("node", graph(x))
    if isinstance(x, dict):
        return {k: fingerprint(v) for k, v in x.items()}
    return x


def observe(program, T):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ("ok", fingerprint(program(T)))
        except Exception as e:  # noqa: BLE001 - the exception is what we compare
            return ("raises", type(e).__name__, str(e))


def _leaves(T):
    x = T.tensor([1., 2., 3.], requires_grad=True)
    y = T.tensor([4., 5., 6.], requires_grad=True)
    M = T.tensor([[1., -2., 3.], [0.5, 4., -1.], [2., 1., 0.]], requires_grad=True)
    M2 = T.tensor([[1., 0., 2., -1.], [3., 1., 0., 2.], [0., -2., 1., 1.]], requires_grad=True)
    v = T.tensor([0.5, -1., 2.], requires_grad=True)
    B3 = T.arange(18.).reshape(2, 3, 3).requires_grad_()
    return x, y, M, M2, v, B3


def expressions(T):
    x, y, M, M2, v, B3 = _leaves(T)
    F = T.nn.functional
    return {
        "x+y": x + y, "x+2": x + 2, "2+x": 2 + x, "x+2.5": x + 2.5, "x-y": x - y, "x-2": x - 2, "2-x": 2 - x,
        "x*y": x * y, "x*2": x * 2, "2*x": 2 * x, "x/y": x / y, "x/2": x / 2, "2/x": 2 / x,
        "x**2": x ** 2, "x**y": x ** y, "2**x": 2 ** x, "x**2.5": x ** 2.5, "pow": T.pow(x, 2), "-x": -x,
        "neg": T.neg(x), "x+const": x + T.tensor([1., 2., 3.]), "M@M2": M @ M2, "matmul": T.matmul(M, M2),
        "mm": T.mm(M, M2), "mv": T.mv(M, v), "M@v": M @ v, "v@M": v @ M, "v@v": v @ v, "B3@M": B3 @ M,
        "B3@v": B3 @ v, "sum": x.sum(), "sum(0)": M.sum(0), "sum keepdim": M.sum(dim=1, keepdim=True),
        "sum((0,1))": M.sum((0, 1)), "mean": x.mean(), "mean(0)": M.mean(0), "max": x.max(),
        "max(0)": M.max(0), "min": x.min(), "min(dim=0)": M.min(dim=0), "exp": x.exp(), "log": x.log(),
        "sin": x.sin(), "cos": x.cos(), "tanh": x.tanh(), "sigmoid": x.sigmoid(), "relu": (x - 2).relu(),
        "sqrt": x.sqrt(), "abs": (x - 2).abs(), "norm": x.norm(), "norm(dim)": M.norm(dim=0),
        "norm(p=1)": x.norm(p=1), "softmax": M.softmax(0), "log_softmax": M.log_softmax(dim=1),
        "F.softmax": F.softmax(M, dim=1), "F.relu": F.relu(x), "F.sigmoid": F.sigmoid(x), "F.tanh": F.tanh(x),
        "mse": F.mse_loss(x, y), "mse const": F.mse_loss(x, T.zeros(3)), "view": M.view(9),
        "reshape": M.reshape(9), "reshape same": x.reshape(3), "reshape T": M.t().reshape(9),
        "squeeze": x.view(1, 3).squeeze(), "squeeze(0)": x.view(1, 3).squeeze(0), "unsqueeze": x.unsqueeze(0),
        "flatten": M.flatten(), "flatten 1d": x.flatten(), "t": M.t(), "T": M.T, "transpose": M.transpose(0, 1),
        "permute": B3.permute(2, 0, 1), "x[0]": x[0], "x[1:]": x[1:], "x[[0,2]]": x[[0, 2]], "x[mask]": x[x > 1],
        "M[0,1]": M[0, 1], "M[:,1]": M[:, 1], "M[0]": M[0], "x[None]": x[None], "M[pairs]": M[[0, 1], [1, 2]],
        "x[...]": x[...], "stack": T.stack([x, y]), "cat": T.cat([x, y]), "cat const": T.cat([x, T.ones(2)]),
        "clone": x.clone(), "rsub": T.rsub(x, y), "expand": x.expand(2, 3), "x+M": x + M,
        "div int": x / T.tensor([1, 2, 3]), "mul int": x * T.tensor(2), "x**0": x ** 0, "x**1": x ** 1,
        "where": T.where(x > 1, x, y), "detach": x.detach(), "data": x.data, "sign": x.sign(),
        "ints": T.tensor([1, 2]) * 2.5, "int div": T.tensor([1, 2]) / 2, "bool": T.tensor([True, False]),
        "f64+f32": T.ones(2, dtype=T.float64) + T.ones(2), "0d f64 + f32": T.tensor(1.5, dtype=T.float64) + T.ones(2),
        "arange": T.arange(3), "arange float": T.arange(3.), "linspace": T.linspace(-1, 1, 5), "eye": T.eye(2),
        "full": T.full((2,), 7.), "zeros_like": T.zeros_like(M), "ones_like": T.ones_like(x),
        "Tensor(2,3)": T.Tensor(2, 3).shape, "FloatTensor": T.FloatTensor([[1, 0]]), "empty": T.zeros(0),
        "dtypes": (str(T.float32), repr(T.float64), str(T.int64), str(T.bool)),
    }


def program_inplace(T):
    a = T.tensor([1., 2.], requires_grad=True)
    b, c, d = a * 1, a * 1, a * 1
    b.add_(1)
    c += 1
    d.mul_(2).sub_(1).div_(2)
    e = a * 1
    e[0] = 7
    (b.sum() + c.sum() + d.sum() + e.sum()).backward()
    return b, c, d, e, a.grad, b._version, e._version


def program_seed000(T):
    a = T.autograd.Variable(T.Tensor([[2., 4.]]), requires_grad=True)
    b = T.zeros(1, 2)
    b[0, 0] = a[0, 0] ** 2 + a[0, 1]
    b[0, 1] = a[0, 1] ** 3 + a[0, 0]
    out = 2 * b
    out.backward(T.FloatTensor([[1., 1.]]))
    return a.grad, b, out, b.grad_fn


def program_hooks(T):
    order = []
    a = T.tensor([1., 2.], requires_grad=True)
    b = a * 2
    b.retain_grad()
    b.register_hook(lambda g: order.append(("b", g.tolist())) or g * 10)
    h = a.register_hook(lambda g: order.append(("a", g.tolist())))
    c = b * b
    c.grad_fn.register_prehook(lambda gs: order.append(("pre", gs[0].tolist())))
    c.grad_fn.register_hook(lambda gi, go: order.append(("post", gi[0].tolist())))
    c.sum().backward()
    h.remove()
    (a * 3).sum().backward()
    return order, a.grad, b.grad


def program_create_graph(T):
    x = T.tensor(2.0, requires_grad=True)
    y = x ** 3
    g, = T.autograd.grad(y, x, create_graph=True)
    g2, = T.autograd.grad(g, x, create_graph=True)
    g3, = T.autograd.grad(g2, x)
    z = T.tensor([0.5, -0.3], requires_grad=True)
    w = (z.tanh() * z.sigmoid()).sum()
    gz, = T.autograd.grad(w, z, create_graph=True)
    hz, = T.autograd.grad(gz.sum(), z)
    return g, g2, g3, gz, hz


def program_inputs(T):
    x = T.tensor(2.0, requires_grad=True)
    z = T.tensor(3.0, requires_grad=True)
    y = x ** 2 + z ** 3
    m = y * 1
    T.autograd.backward(m, inputs=[x], retain_graph=True)
    r = T.autograd.grad(m, [y])
    return x.grad, z.grad, r


def program_allow_unused(T):
    a = T.tensor([1., 2.], requires_grad=True)
    b = T.tensor([1., 2.], requires_grad=True)
    return T.autograd.grad((a * 2).sum(), [a, b], allow_unused=True)


def program_function(T):
    class Sq(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x * x * k

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g * ctx.k, None
    a = T.tensor([3.], requires_grad=True)
    b = Sq.apply(a, 2.0)
    b.backward()
    return b, b.grad_fn.name(), a.grad


def program_functional(T):
    f = T.autograd.functional
    x = T.tensor([0.5, -1.0, 2.0], dtype=T.float64)
    W = T.tensor([[1., 2., 0.], [0., -1., 1.]], dtype=T.float64)
    fn = lambda t: (W @ t).tanh()  # noqa: E731
    s = lambda t: (t ** 3).sum() + t.prod() if hasattr(t, "prod") and False else (t ** 3).sum()  # noqa: E731
    v = T.tensor([1., -2.], dtype=T.float64)
    u = T.tensor([1., 0., 1.], dtype=T.float64)
    return (f.jacobian(fn, x), f.hessian(s, x), f.vjp(fn, x, v), f.jvp(fn, x, u),
            f.jacobian(lambda a, b: a * b, (x, x)))


def program_names(T):
    a = T.tensor([1., 2.], requires_grad=True)
    b = a * 2
    ag = b.grad_fn.next_functions[0][0]
    return (b.sum().grad_fn.name(), ag.name(), ag.variable is a, ag.next_functions, b.grad_fn.metadata,
            b.is_leaf, a.is_leaf, b.requires_grad, T.nn.Parameter(T.ones(2)) * 2)


def program_no_grad(T):
    a = T.tensor([1., 2.], requires_grad=True)
    with T.no_grad():
        b = a * 2
    with T.enable_grad():
        c = a * 2
    with T.set_grad_enabled(False):
        d = a * 2

    @T.no_grad()
    def f(t):
        return t * 2
    return b, c, d, f(a), T.is_grad_enabled()


def program_accumulate(T):
    x = T.tensor([1., -1.], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward(retain_graph=True)
    x.grad.zero_()
    y.backward(retain_graph=True)
    x.grad = None
    y.backward()
    return first, x.grad


def program_parameter(T):
    p = T.nn.Parameter(T.FloatTensor([[1, 1], [2, 2]]))
    return p, type(p).__name__, type(p * 1).__name__, p.is_leaf, repr(T.autograd.Variable(T.ones(1)))


def program_create_graph_backward(T):
    """backward(create_graph=True) leaves a .grad with a graph (CopyBackwards); a second backward adds to it."""
    x = T.tensor([1., 2.], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    graph_of_g = graph(g.grad_fn)
    g.sum().backward()
    return g, graph_of_g, x.grad


def program_saved_tensors(T):
    """What nodes keep for backward, as PyTorch exposes it (`_saved_<name>`), and that backward frees it."""
    x = T.tensor([1., 2., 3.], requires_grad=True)
    y = T.tensor([4., 5., 6.], requires_grad=True)
    M = T.tensor([[1., 2., 3.], [-1., 0., 2.]], requires_grad=True)
    nodes = {"mul": ((x * y).grad_fn, ("self", "other")), "exp": (x.exp().grad_fn, ("result",)),
             "pow": ((x ** 2).grad_fn, ("self", "exponent")), "sum(1)": (M.sum(1).grad_fn, ("dim", "keepdim")),
             "view": (M.view(6).grad_fn, ("self_sym_sizes",)), "max(0)": (M.max(0)[0].grad_fn, ("dim", "indices")),
             "softmax": (M.softmax(1).grad_fn, ("dim", "result")), "select": (M[1].grad_fn, ("dim", "index")),
             "transpose": (M.transpose(0, 1).grad_fn, ("dim0", "dim1"))}
    saved = {k: [getattr(fn, "_saved_" + a) for a in names] for k, (fn, names) in nodes.items()}
    z = x.exp()
    z.sum().backward()
    try:
        z.grad_fn._saved_result
    except RuntimeError as e:
        saved["freed"] = str(e).split("\n")[0]
    return saved


def program_multiple_outputs(T):
    M = T.tensor([[1., 5., 3.], [4., 2., 6.]], requires_grad=True)
    values, indices = M.max(1)
    m2 = M.min(dim=0, keepdim=True)
    (values * T.tensor([1., 10.])).sum().backward()
    return values, indices, m2, M.grad, values.grad_fn.next_functions


def program_functional_tuples(T):
    f = T.autograd.functional
    x = T.tensor([0.5, -1.0], dtype=T.float64)
    y = T.tensor([2.0, 0.25], dtype=T.float64)
    two = lambda a, b: (a * b.exp(), (a - b).sum() * a)  # noqa: E731 - two inputs, two outputs
    scalar = lambda a, b: (a ** 2 * b).sum() + (a * b.sin()).sum()  # noqa: E731
    v = (T.tensor([1., -1.], dtype=T.float64), T.tensor([0.5, 2.], dtype=T.float64))
    return (f.vjp(two, (x, y), v), f.jvp(two, (x, y), v), f.jacobian(two, (x, y)), f.hessian(scalar, (x, y)),
            f.vjp(scalar, (x, y)))


def program_hook_order(T):
    """Several hooks on one tensor run in order, each seeing the previous one's result; retain_grad sees the last."""
    seen = []
    a = T.tensor([1., 2.], requires_grad=True)
    b = a * 3
    b.retain_grad()
    b.register_hook(lambda g: seen.append(("b1", g.tolist())) or g + 1)
    h = b.register_hook(lambda g: seen.append(("b2", g.tolist())) or g * 2)
    a.register_hook(lambda g: seen.append(("a", g.tolist())) or g * 0.5)
    (b * b).sum().backward(retain_graph=True)
    first = (a.grad.clone(), b.grad.clone())
    h.remove()
    (b * b).sum().backward()
    return seen, first, a.grad, b.grad


def program_inputs_non_leaf(T):
    a = T.tensor([1., 2.], requires_grad=True)
    b = a * a
    c = (b * 3).sum()
    c.backward(inputs=[b], retain_graph=True)
    only_b = (a.grad, b.grad)
    c.backward(inputs=[a, b])
    return only_b, a.grad, b.grad


def program_setitem_graphs(T):
    """Writing into a non-leaf: CopySlices for ints and slices, IndexPutBackward0 for lists and masks."""
    x = T.tensor([[0.5, -1.], [2., 3.]], requires_grad=True)
    results = []
    for write in (lambda z: z.__setitem__(slice(0, 1), x[1:] * 2), lambda z: z.__setitem__(0, x[1:] * 2),
                  lambda z: z.__setitem__(([0, 1], [1, 0]), x[0] * 2), lambda z: z.__setitem__([0, 1], x[:1] * 2),
                  lambda z: z.__setitem__(z > 1, x[0, :1] * 3), lambda z: z.__setitem__(0, 5.)):
        z = x * 1
        write(z)
        z.sum().backward()
        results.append((z, x.grad.clone()))
        x.grad = None
    return results


PROGRAMS = {"expressions": expressions, "in-place": program_inplace, "seed 000": program_seed000,
            "hooks": program_hooks, "create_graph": program_create_graph, "inputs=": program_inputs,
            "allow_unused": program_allow_unused, "Function": program_function, "functional": program_functional,
            "names": program_names, "no_grad": program_no_grad, "accumulate": program_accumulate,
            "Parameter": program_parameter, "create_graph backward": program_create_graph_backward,
            "saved tensors": program_saved_tensors, "multiple outputs": program_multiple_outputs,
            "functional with tuples": program_functional_tuples, "hook order": program_hook_order,
            "inputs= non-leaf": program_inputs_non_leaf, "setitem graphs": program_setitem_graphs}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program_observes_the_same(name):
    ours, theirs = observe(PROGRAMS[name], aw), observe(PROGRAMS[name], torch)
    assert theirs[0] == "ok", theirs
    if name == "expressions":  # compare entry by entry, for a readable failure
        assert ours[0] == "ok", ours
        for key, value in theirs[1].items():
            assert ours[1][key] == value, key
    assert ours == theirs
