"""The learners' examples from shared/seeds, written once as functions of a torch-like module `T`.

Each returns the lines the example prints, so the same program runs under real PyTorch and
under autograd_widgets. Where an article's printed numbers differ from today's PyTorch, the
comment says so; tests assert what PyTorch 2.13 prints.
"""


def seed000_scalar(T):
    """out = mean(3(a+3)): d out/d a = 3/2 per element."""
    a = T.autograd.Variable(T.Tensor([2, 3]), requires_grad=True)
    b = a + 3
    c = b * 3
    out = c.mean()
    out.backward()
    return [str(a.grad), str(out), type(out.grad_fn).__name__]


def seed000_vector(v):
    def program(T):
        a = T.autograd.Variable(T.Tensor([[2., 4.]]), requires_grad=True)
        b = T.zeros(1, 2)
        b[0, 0] = a[0, 0] ** 2 + a[0, 1]
        b[0, 1] = a[0, 1] ** 3 + a[0, 0]
        out = 2 * b
        out.backward(T.FloatTensor([v]))
        return [str(a.grad), type(b.grad_fn).__name__, type(out.grad_fn).__name__]
    return program


def seed000_without_cross_terms(T):
    """The article's first attempt: b[0,0] = a0², b[0,1] = a1³ gives [[8., 96.]] for v = [1, 1]."""
    a = T.autograd.Variable(T.Tensor([[2., 4.]]), requires_grad=True)
    b = T.zeros(1, 2)
    b[0, 0] = a[0, 0] ** 2
    b[0, 1] = a[0, 1] ** 3
    out = 2 * b
    out.backward(T.FloatTensor([[1., 1.]]))
    return [str(a.grad)]


def seed000_mm(T):
    a = T.autograd.Variable(T.FloatTensor([[2, 3], [1, 2]]), requires_grad=True)
    w = T.autograd.Variable(T.zeros(2, 1), requires_grad=True)
    out = T.mm(a, w)
    out.backward(T.FloatTensor([[1.], [1.]]), retain_graph=True)
    return ["gradients are:{}".format(w.grad.data), str(a.grad)]


def seed001_backward_variants(T):
    lines = []
    x = T.tensor(2.0, requires_grad=True)
    T.autograd.backward(x ** 2)
    lines.append(str(x.grad))
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    T.autograd.backward(x ** 2, grad_tensors=T.tensor([1.0, 1.0, 1.0]))
    lines.append(str(x.grad))
    x = T.tensor(2.0, requires_grad=True)
    y = x ** 3
    T.autograd.backward(y, retain_graph=True)
    lines.append(str(x.grad))
    T.autograd.backward(y, retain_graph=True)
    lines.append(str(x.grad))  # grads add up: 12 + 12
    x = T.tensor(2.0, requires_grad=True)
    z = T.tensor(3.0, requires_grad=True)
    T.autograd.backward(x ** 2 + z ** 3, inputs=[x])
    lines += [str(x.grad), str(z.grad)]
    return lines


def seed001_create_graph(T):
    """The article says the second backward gives 18 (6x). Today's PyTorch gives 24: x.grad already
    holds 12 (and the graph of 3x²), and x_grad.backward() adds d(3x²)/dx = 12 into that same .grad."""
    x = T.tensor(2.0, requires_grad=True)
    y = x ** 3
    T.autograd.backward(y, create_graph=True)
    lines = [str(x.grad)]
    x_grad = x.grad
    x_grad.backward()
    lines.append(str(x.grad))
    return lines


def seed001_grad_variants(T):
    lines = []
    x = T.tensor(2.0, requires_grad=True)
    lines.append(str(T.autograd.grad(x ** 2, x)))
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    lines.append(str(T.autograd.grad(x ** 2, x, grad_outputs=T.tensor([1.0, 1.0, 1.0]))))
    x = T.tensor(2.0, requires_grad=True)
    g = T.autograd.grad(x ** 3, x, create_graph=True)
    lines.append(str(g))
    lines.append(str(T.autograd.grad(g[0], x)))
    x = T.tensor(2.0, requires_grad=True)
    z = T.tensor(3.0, requires_grad=True)
    y1, y2 = x ** 2 + z ** 3, x * z
    lines.append(str(T.autograd.grad([y1, y2], [x, z], grad_outputs=[T.tensor(1.0), T.tensor(1.0)])))
    x = T.tensor(2.0, requires_grad=True)
    z = T.tensor(3.0, requires_grad=True)
    lines.append(str(T.autograd.grad(x ** 2, [x, z], allow_unused=True)))
    x = T.tensor(2.0, requires_grad=True)
    y = x ** 3
    lines.append(str(T.autograd.grad(y, x, retain_graph=True)))
    lines.append(str(T.autograd.grad(y, x)))
    return lines


def seed002_graph(T):
    a = T.tensor(2.0, requires_grad=True)
    b = T.tensor(3.0, requires_grad=True)
    c = a + b
    d = T.tensor(4.0, requires_grad=True)
    e = c * d
    (f1, n1), (f2, n2) = e.grad_fn.next_functions
    ag = c.grad_fn.next_functions[0][0]
    lines = [str(c), str(e), type(e.grad_fn).__name__, type(f1).__name__, str(n1), type(f2).__name__, str(n2),
             str(ag.next_functions), str(ag.variable is a), str(hasattr(f1, "variable")),
             str(a.is_leaf), str(c.is_leaf), str(e.is_leaf)]
    e.backward()
    lines += [str(a.grad), str(b.grad), str(c.grad), str(d.grad)]
    return lines


def seed002_add(T):
    """The article's first example: c = a + b, so dc/da = dc/db = 1; AddBackward0 has one edge per leaf."""
    a = T.tensor(2.0, requires_grad=True)
    b = T.tensor(3.0, requires_grad=True)
    c = a + b
    c.backward()
    edges = [(type(fn).__name__, n) for fn, n in c.grad_fn.next_functions]
    return [str(a.grad), str(b.grad), str(c), str(edges)]


def seed002_no_variable_on_inner_nodes(T):
    """f1.variable: only AccumulateGrad nodes hold a variable; the article shows this AttributeError."""
    a = T.tensor(2.0, requires_grad=True)
    e = (a + 1) * a
    f1 = e.grad_fn.next_functions[0][0]
    try:
        f1.variable
    except AttributeError as error:
        return [str(error)]
    return ["no error"]


def seed003_identity(T):
    z = T.linspace(-1, 1, steps=5, requires_grad=True)
    y = z
    y.backward(z)
    return ["Z tensor is: {} \n Gradient of y with respect to z is: {}".format(z, z.grad)]


def seed003_pow(T):
    z = T.linspace(1, 5, steps=5, requires_grad=True)
    y = T.pow(z, 2)
    y.backward(z)
    return ["Z tensor is: {} \n Gradient of y with respect to z is: {}".format(z, z.grad / z)]


def seed003_sums(T):
    lines = []
    z = T.linspace(-1, 1, steps=5, requires_grad=True)
    T.sum(z).backward()
    lines.append(str(z.grad))
    z = T.linspace(-1, 1, steps=5, requires_grad=True)
    T.sum(T.pow(z, 2)).backward()
    lines.append(str(z.grad))
    z = T.linspace(-1, 1, steps=5, requires_grad=True)
    T.sum(T.pow(z, 2)).backward(T.tensor(1.))
    lines.append(str(z.grad))
    return lines


def seed004_doubling(T):
    """The article starts from randn; a fixed x keeps the numbers comparable. x.grad = 2^k · v."""
    x = T.autograd.Variable(T.tensor([0.5, -1.0, 2.0]), requires_grad=True)
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    y.backward(T.FloatTensor([0.1, 1.0, 0.0001]))
    return [str(y), str(x.grad)]


def seed004_sum(T):
    a = T.nn.Parameter(T.FloatTensor([[1, 1], [2, 2]]))
    b = T.nn.Parameter(T.FloatTensor([[1, 2], [1, 2]]))
    c = T.sum(a - b)
    c.backward(None)
    return [str(a.grad), str(b.grad)]


def seed004_sum_matrix_gradient(T):
    """The article (old PyTorch) accepted a 2x2 gradient for a scalar; today it raises a shape error."""
    a = T.nn.Parameter(T.FloatTensor([[1, 1], [2, 2]]))
    b = T.nn.Parameter(T.FloatTensor([[1, 2], [1, 2]]))
    c = T.sum(a - b)
    c.backward(T.FloatTensor([[1, 2], [3, 4]]))
    return [str(a.grad), str(b.grad)]


def seed004_matmul(v):
    def program(T):
        a = T.nn.Parameter(T.FloatTensor([[0, 0], [2, 2]]))
        b = T.nn.Parameter(T.FloatTensor([[1, 2], [1, 2]]))
        c = T.matmul(a, b)
        c.backward(T.FloatTensor(v))
        return [str(a.grad), str(b.grad), type(c.grad_fn).__name__]
    return program


PROGRAMS = {
    "000 scalar mean": seed000_scalar,
    "000 vector v=[1,1]": seed000_vector([1., 1.]),
    "000 vector v=[0,1]": seed000_vector([0., 1.]),
    "000 vector v=[1,2]": seed000_vector([1., 2.]),
    "000 without cross terms": seed000_without_cross_terms,
    "000 mm": seed000_mm,
    "001 autograd.backward": seed001_backward_variants,
    "001 create_graph": seed001_create_graph,
    "001 autograd.grad": seed001_grad_variants,
    "002 graph": seed002_graph,
    "002 add": seed002_add,
    "002 inner nodes have no variable": seed002_no_variable_on_inner_nodes,
    "003 identity": seed003_identity,
    "003 pow": seed003_pow,
    "003 sums": seed003_sums,
    "004 doubling": seed004_doubling,
    "004 sum": seed004_sum,
    "004 sum with matrix gradient": seed004_sum_matrix_gradient,
    "004 matmul ones": seed004_matmul([[1, 1], [1, 1]]),
    "004 matmul weights": seed004_matmul([[1, 2], [3, 4]]),
}
