"""torch.func (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap, functional_call, stack_module_state) against
PyTorch's: the same values (double and float32), the same structures, the same errors, and no `.grad` set."""
import copy

import numpy as np
import pytest
from raised import raised

import autograd_widgets as aw
import autograd_widgets.func as aw_func

torch = pytest.importorskip("torch")
torch_func = pytest.importorskip("torch.func")

RNG = np.random.default_rng(11)
X = RNG.standard_normal(3)
Y = RNG.standard_normal(3)
W = RNG.standard_normal((2, 3))
BATCH = RNG.standard_normal((4, 3))
BATCH_T = RNG.standard_normal((3, 4))


def _host(tree):
    if isinstance(tree, dict):
        return {k: _host(v) for k, v in tree.items()}
    if isinstance(tree, (tuple, list)):
        return type(tree)(_host(v) for v in tree)
    return tree.detach().numpy() if hasattr(tree, "detach") else tree


def _same(ours, theirs, tol=1e-10):
    """Same containers (types, keys, lengths) and the same arrays (shape, dtype, values within tol)."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs)
        for k in theirs:
            _same(ours[k], theirs[k], tol)
    elif isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b, tol)
    else:
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def _both(case, tol=1e-10):
    """Run case(T, F) with T, F = torch, torch.func and with autograd_widgets' and compare what they return."""
    _same(_host(case(aw, aw_func)), _host(case(torch, torch_func)), tol)


def t(T, a, requires_grad=False):
    return T.tensor(a, dtype=T.float64, requires_grad=requires_grad)


def _loss(T):
    w = t(T, W)
    return lambda x: (w @ x).tanh().pow(2).sum()


def _grad_under_no_grad(T, F):
    x = t(T, X, requires_grad=True)
    with T.no_grad():
        g = F.grad(lambda v: (v ** 3).sum())(x)
    assert not g.requires_grad
    return g


def _no_grad_inside(T, F):
    def f(x):
        with T.no_grad():
            c = x ** 2
        return (x - c).sum()
    return F.grad(f)(t(T, X, requires_grad=True))


GRAD_CASES = {
    "sin": lambda T, F: F.grad(T.sin)(t(T, 0.7)),
    "sin_twice": lambda T, F: F.grad(F.grad(T.sin))(t(T, 0.7)),
    "cube_three_times": lambda T, F: F.grad(F.grad(F.grad(lambda x: x ** 3)))(t(T, 2.0)),
    "matmul_loss": lambda T, F: F.grad(_loss(T))(t(T, X)),
    "argnums_tuple": lambda T, F: F.grad(lambda a, b: (a.sin() * b).sum(), argnums=(0, 1))(t(T, X), t(T, Y)),
    "argnums_negative": lambda T, F: F.grad(lambda a, b: (a.exp() * b).sum(), argnums=-1)(t(T, X), t(T, Y)),
    "has_aux": lambda T, F: F.grad(lambda x: ((x ** 2).sum(), x.cos()), has_aux=True)(t(T, X)),
    "grad_and_value": lambda T, F: F.grad_and_value(_loss(T))(t(T, X)),
    "dict_argument": lambda T, F: F.grad(lambda p, x: (p["w"] @ x + p["b"]).sum() ** 2)(
        {"w": t(T, W), "b": t(T, X[:2])}, t(T, Y)),
    "unused_input_is_zeros": lambda T, F: F.grad(lambda a, b: a.sum() * 3, argnums=1)(t(T, X), t(T, Y)),
    "nested_same_input": lambda T, F: F.grad(lambda x: F.grad(lambda y: (x * y).sum())(x).sum())(t(T, X)),
    "hessian_vector_by_grad": lambda T, F: F.grad(lambda x: (F.grad(_loss(T))(x) * t(T, Y)).sum())(t(T, X)),
    "grad_under_no_grad": _grad_under_no_grad,
    "no_grad_inside_the_function": _no_grad_inside,
}


@pytest.mark.parametrize("name", GRAD_CASES)
def test_grad_values_match_pytorch(name):
    _both(GRAD_CASES[name])


def _vjp_has_aux(T, F):
    out, fn, aux = F.vjp(lambda x: (x.exp(), x.sum()), t(T, X), has_aux=True)
    return out, fn(t(T, Y)), aux


def _linearize(T, F):
    out, jvp_fn = F.linearize(T.sin, t(T, X))
    return out, jvp_fn(t(T, Y))


def _vjp_twice(T, F):
    out, fn = F.vjp(lambda a, b: (a.sin() * b, (T.tensor(W) @ a)), t(T, X), t(T, Y))
    return out, fn((t(T, Y), t(T, X[:2]))), fn((t(T, X), t(T, Y[:2])))


JAC_CASES = {
    "vjp_tuple_output_called_twice": _vjp_twice,
    "vjp_has_aux": _vjp_has_aux,
    "jvp_sin": lambda T, F: F.jvp(T.sin, (t(T, X),), (t(T, Y),)),
    "jvp_two_primals": lambda T, F: F.jvp(lambda a, b: T.tensor(W) @ (a * b), (t(T, X), t(T, Y)),
                                          (t(T, Y), t(T, X))),
    "jvp_has_aux": lambda T, F: F.jvp(lambda x: (x ** 3, x.sum()), (t(T, X),), (t(T, Y),), has_aux=True),
    "jacrev_matmul": lambda T, F: F.jacrev(lambda x: t(T, W) @ x.tanh())(t(T, X)),
    "jacfwd_matmul": lambda T, F: F.jacfwd(lambda x: t(T, W) @ x.tanh())(t(T, X)),
    "jacrev_argnums_tuple_outputs": lambda T, F: F.jacrev(lambda a, b: (a * b, (a ** 2).sum()), argnums=(0, 1))(
        t(T, X), t(T, Y)),
    "jacrev_has_aux": lambda T, F: F.jacrev(lambda x: (x.sin(), x.cos()), has_aux=True)(t(T, X)),
    "jacrev_matrix_input": lambda T, F: F.jacrev(lambda m: m @ t(T, X))(t(T, W)),
    "jacrev_of_jacrev": lambda T, F: F.jacrev(F.jacrev(lambda x: x.sin() * x.sum()))(t(T, X)),
    "hessian_cube": lambda T, F: F.hessian(lambda x: (x ** 3).sum())(t(T, X)),
    "hessian_matmul": lambda T, F: F.hessian(_loss(T))(t(T, X)),
    "hessian_argnums": lambda T, F: F.hessian(lambda a, b: (a * b.exp()).sum(), argnums=1)(t(T, X), t(T, Y)),
    "linearize": _linearize,
}


@pytest.mark.parametrize("name", JAC_CASES)
def test_vjp_jvp_jacobian_hessian_values_match_pytorch(name):
    _both(JAC_CASES[name])


VMAP_CASES = {
    "dot_default": lambda T, F: F.vmap(T.dot)(t(T, BATCH), t(T, BATCH)),
    "in_dims_one_and_none": lambda T, F: F.vmap(lambda a, b: a * b + 1, in_dims=(1, None))(t(T, BATCH_T), t(T, X)),
    "in_dims_none_and_zero": lambda T, F: F.vmap(T.mv, in_dims=(None, 0))(t(T, W), t(T, BATCH)),
    "negative_in_dim": lambda T, F: F.vmap(T.sum, in_dims=-1)(t(T, BATCH_T)),
    "out_dims_one": lambda T, F: F.vmap(lambda a: a.exp(), out_dims=1)(t(T, BATCH)),
    "tuple_outputs_out_dims": lambda T, F: F.vmap(lambda a: (a.sin(), a.sum()), out_dims=(1, 0))(t(T, BATCH)),
    "dict_input": lambda T, F: F.vmap(lambda d: d["a"] * d["b"], in_dims=({"a": 0, "b": None},))(
        {"a": t(T, BATCH), "b": t(T, X)}),
    "nested_vmap_outer_product": lambda T, F: F.vmap(F.vmap(T.mul, in_dims=(None, 0)), in_dims=(0, None))(
        t(T, X), t(T, Y)),
    "vmap_of_grad": lambda T, F: F.vmap(F.grad(_loss(T)))(t(T, BATCH)),
    "vmap_of_jacrev": lambda T, F: F.vmap(F.jacrev(lambda x: x.sin() * x.sum()))(t(T, BATCH)),
    "grad_through_vmap": lambda T, F: F.grad(lambda w: F.vmap(lambda x: (w @ x).tanh().sum())(t(T, BATCH)).sum())(
        t(T, W)),
    "torch_vmap": lambda T, F: T.vmap(T.outer)(t(T, BATCH), t(T, BATCH)),
    "keyword_argument_not_mapped": lambda T, F: F.vmap(lambda a, scale: a * scale)(t(T, X), scale=4.0),
}


def test_vmap_of_autograd_grad_gives_jacobian_rows_like_pytorch():
    """torch.vmap's docstring example: vmap over autograd.grad(y, x, v) (without retain_graph) on eye(N);
    here each example runs its own backward, which must leave the graph for the next one."""
    def run(T, F):
        x = t(T, X, requires_grad=True)
        y = x ** 2
        return T.vmap(lambda v: T.autograd.grad(y, x, v))(T.eye(3, dtype=T.float64))
    _both(run)




@pytest.mark.parametrize("name", VMAP_CASES)
def test_vmap_values_match_pytorch(name):
    _both(VMAP_CASES[name])


def test_grad_of_an_input_that_requires_grad_stays_differentiable_like_pytorch():
    """grad(f)(y) with y requiring grad has a graph back to y: backward through it fills y.grad as PyTorch."""
    def run(T, F):
        y = t(T, X, requires_grad=True)
        g = F.grad(_loss(T))(y)
        assert g.requires_grad
        (g * t(T, Y)).sum().backward()
        return y.grad
    _both(run)


def _transform_results(T, F, closure_requires_grad):
    """Each transform's results on f, whose closure tensors require grad or not, and the closure tensors."""
    w = t(T, W, requires_grad=closure_requires_grad)
    p = t(T, Y, requires_grad=closure_requires_grad)
    x = t(T, X)
    def f(v):
        return (w @ (v * p)).sin().sum()
    results = [F.grad(f)(x), F.jacrev(f)(x), F.hessian(f)(x), F.vjp(f, x)[1](t(T, 1.0))[0],
               F.jvp(f, (x,), (x,))[1], F.vmap(F.grad(f))(t(T, BATCH))]
    return results, (w, p, x)


@pytest.mark.parametrize("closure_requires_grad", [False, True])
def test_results_keep_a_graph_exactly_when_pytorch_does_and_no_grad_is_set(closure_requires_grad):
    """Detached at top level, but with a graph to closure tensors that require grad (as PyTorch's);
    no transform fills `.grad` of anything."""
    ours, leaves = _transform_results(aw, aw_func, closure_requires_grad)
    theirs, _ = _transform_results(torch, torch_func, closure_requires_grad)
    assert [r.requires_grad for r in ours] == [r.requires_grad for r in theirs]
    assert all(x.grad is None for x in leaves)
    _same(_host(ours), _host(theirs))


def test_an_input_returned_in_aux_comes_back_as_itself_like_pytorch():
    """grad's docstring example: aux holding the differentiated input gives back that tensor (PyTorch's
    unwrapping), not the stand-in the gradient was taken through."""
    def run(T, F):
        y_true, y_preds = t(T, X), t(T, Y, requires_grad=True)
        grads, (pred, per_sample) = F.grad(lambda y, p: (((0.5 * p - y) ** 2).mean(), (p, (0.5 * p - y) ** 2)),
                                           argnums=(0, 1), has_aux=True)(y_true, y_preds)
        assert pred is y_preds
        return grads, per_sample, per_sample.requires_grad
    ours, theirs = run(aw, aw_func), run(torch, torch_func)
    assert ours[2] == theirs[2]
    _same(_host(ours[:2]), _host(theirs[:2]))


def test_backward_through_a_gradient_reaches_the_closure_parameters_like_pytorch():
    def run(T, F):
        w = t(T, W, requires_grad=True)
        F.grad(lambda v: (w @ v).tanh().pow(2).sum())(t(T, X)).pow(2).sum().backward()
        return w.grad
    _both(run)


ERROR_CASES = {
    "grad_non_scalar": lambda T, F: F.grad(lambda x: x * 2)(t(T, X)),
    "grad_one_element_but_1d": lambda T, F: F.grad(lambda x: x.sum(0, keepdim=True))(t(T, X)),
    "grad_not_a_tensor": lambda T, F: F.grad(lambda x: 3.0)(t(T, X)),
    "grad_has_aux_not_pair": lambda T, F: F.grad(lambda x: x.sum(), has_aux=True)(t(T, X)),
    "argnums_out_of_range": lambda T, F: F.grad(lambda x: x.sum(), argnums=1)(t(T, X)),
    "argnums_repeated": lambda T, F: F.grad(lambda x: x.sum(), argnums=(0, 0))(t(T, X)),
    "argnums_empty": lambda T, F: F.grad(lambda x: x.sum(), argnums=())(t(T, X)),
    "argnums_float": lambda T, F: F.grad(lambda x: x.sum(), argnums=1.0)(t(T, X)),
    "grad_of_a_number": lambda T, F: F.grad(lambda x: x.sum())(3.0),
    "vmap_mismatched_sizes": lambda T, F: F.vmap(T.add)(t(T, X), t(T, BATCH_T[0])),
    "vmap_in_dims_too_short": lambda T, F: F.vmap(T.add, in_dims=(0,))(t(T, X), t(T, X)),
    "vmap_in_dims_too_long": lambda T, F: F.vmap(T.add, in_dims=(0, 0, 0))(t(T, X), t(T, X)),
    "vmap_in_dims_list": lambda T, F: F.vmap(T.add, in_dims=[0, 0])(t(T, X), t(T, X)),
    "vmap_in_dim_out_of_range": lambda T, F: F.vmap(T.add, in_dims=(0, 1))(t(T, X), t(T, X)),
    "vmap_nothing_mapped": lambda T, F: F.vmap(T.add, in_dims=(None, None))(t(T, X), t(T, X)),
    "vmap_number_mapped": lambda T, F: F.vmap(lambda a, b: a, in_dims=(0, 0))(t(T, X), 2.0),
    "vmap_no_inputs": lambda T, F: F.vmap(T.sin)(),
    "vmap_returns_number": lambda T, F: F.vmap(lambda a: 3.0)(t(T, X)),
    "vmap_out_dims_too_long": lambda T, F: F.vmap(T.sin, out_dims=(0, 1))(t(T, X)),
    "vmap_chunk_size_zero": lambda T, F: F.vmap(T.sin, chunk_size=0)(t(T, X)),
    "vmap_unknown_randomness": lambda T, F: F.vmap(T.sin, randomness="x")(t(T, X)),
    "vmap_batched_output_with_out_dim_none": lambda T, F: F.vmap(T.sin, out_dims=None)(t(T, X)),
    "vmap_random_in_error_mode": lambda T, F: F.vmap(T.randn_like)(t(T, X)),
    "jacrev_integer_output": lambda T, F: F.jacrev(lambda x: x.long())(t(T, X)),
    "jvp_number_output": lambda T, F: F.jvp(lambda x: 3.0, (t(T, X),), (t(T, X),)),
    "vjp_cotangents_tuple_for_one_output": lambda T, F: F.vjp(T.sin, t(T, X))[1]((t(T, X), t(T, X))),
    "vjp_cotangent_tensor_for_two_outputs": lambda T, F: F.vjp(lambda a: (a, {"b": [a]}), t(T, X))[1](t(T, X)),
    "jvp_fewer_tangents": lambda T, F: F.jvp(T.add, (t(T, X), t(T, X)), (t(T, X),)),
    "jvp_primals_not_tuple": lambda T, F: F.jvp(T.sin, t(T, X), t(T, X)),
    "functional_call_strict": lambda T, F: F.functional_call(T.nn.Linear(3, 2), {"weight": t(T, W)},
                                                             (t(T, X),), strict=True),
    "functional_call_repeated_name": lambda T, F: F.functional_call(
        T.nn.Linear(3, 2), ({"weight": t(T, W)}, {"weight": t(T, W)}), (t(T, X),)),
    "stack_module_state_empty": lambda T, F: F.stack_module_state([]),
}


@pytest.mark.parametrize("name", ERROR_CASES)
def test_errors_have_pytorch_type_and_first_line(name):
    ours, theirs = raised(lambda: ERROR_CASES[name](aw, aw_func)), raised(lambda: ERROR_CASES[name](torch, torch_func))
    assert theirs is not None and ours is not None, (ours, theirs)
    assert ours[0] is theirs[0] and ours[1].splitlines()[0] == theirs[1].splitlines()[0]


def _mlp(T):
    """The per-sample-gradients tutorial's model at a small size, float32, with seeded weights."""
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(6, 5), T.nn.ReLU(), T.nn.Linear(5, 3))
    gen = np.random.default_rng(3)
    with T.no_grad():
        for p in model.parameters():
            p.copy_(T.tensor(gen.standard_normal(tuple(p.shape)), dtype=T.float32))
    data = T.tensor(gen.standard_normal((8, 6)), dtype=T.float32)
    targets = T.tensor(gen.integers(0, 3, 8))
    return model, data, targets


def _per_sample_grads(T, F):
    """The tutorial's lines: functional_call in a loss, grad of it, vmap over the examples."""
    model, data, targets = _mlp(T)
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch, targets = sample.unsqueeze(0), target.unsqueeze(0)
        predictions = F.functional_call(model, (params, buffers), (batch,))
        return T.nn.functional.cross_entropy(predictions, targets)

    ft_compute_grad = F.grad(compute_loss)
    ft_compute_sample_grad = F.vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
    grads = ft_compute_sample_grad(params, buffers, data, targets)
    assert all(p.grad is None for p in model.parameters())
    return grads


def test_per_sample_gradients_tutorial_matches_pytorch():
    _same(_host(_per_sample_grads(aw, aw_func)), _host(_per_sample_grads(torch, torch_func)), tol=1e-5)


def test_per_sample_gradients_equal_a_loop_of_backward_calls():
    grads = _per_sample_grads(aw, aw_func)
    model, data, targets = _mlp(aw)
    for i in range(len(data)):
        model.zero_grad()
        aw.nn.functional.cross_entropy(model(data[i:i + 1]), targets[i:i + 1]).backward()
        for name, p in model.named_parameters():
            np.testing.assert_allclose(grads[name][i].numpy(), p.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_functional_call_uses_the_dict_and_leaves_the_module_unchanged():
    model = aw.nn.Linear(3, 2)
    before = {k: v for k, v in model.named_parameters()}
    values = {k: v.detach().clone() for k, v in before.items()}
    swapped = {"weight": aw.tensor(W, dtype=aw.float32), "bias": aw.zeros(2)}
    x = aw.tensor(X, dtype=aw.float32)
    out = aw_func.functional_call(model, swapped, (x,))
    np.testing.assert_allclose(out.numpy(), (W @ X).astype(np.float32), rtol=1e-6)
    with pytest.raises(RuntimeError):  # a failing call restores the parameters too
        aw_func.functional_call(model, swapped, (aw.ones(5),))
    after = dict(model.named_parameters())
    assert all(after[k] is before[k] for k in before)
    assert all(np.array_equal(after[k].detach().numpy(), values[k].numpy()) for k in before)


def test_functional_call_follows_tied_weights_like_pytorch():
    def run(T, F):
        model = T.nn.Sequential(T.nn.Linear(3, 3, bias=False), T.nn.Linear(3, 3, bias=False))
        model[1].weight = model[0].weight
        w = t(T, np.outer(X, Y)).float()
        return (F.functional_call(model, {"0.weight": w}, (t(T, X).float(),)),
                F.functional_call(model, {"0.weight": w}, (t(T, X).float(),), tie_weights=False))
    # the untied call keeps model[1]'s own (random) weight: compare the tied result, and that they differ
    ours, theirs = run(aw, aw_func), run(torch, torch_func)
    _same(_host(ours[0]), _host(theirs[0]), tol=1e-5)
    assert not np.allclose(ours[1].detach().numpy(), ours[0].detach().numpy())


def _ensemble(T, F):
    """The model-ensembling tutorial: stack_module_state, then vmap over functional_call."""
    models = []
    gen = np.random.default_rng(5)
    for _ in range(3):
        m = T.nn.Sequential(T.nn.Linear(4, 3), T.nn.Tanh(), T.nn.Linear(3, 2))
        with T.no_grad():
            for p in m.parameters():
                p.copy_(T.tensor(gen.standard_normal(tuple(p.shape)), dtype=T.float32))
        models.append(m)
    params, buffers = F.stack_module_state(models)
    base = copy.deepcopy(models[0])
    minibatch = T.tensor(gen.standard_normal((5, 4)), dtype=T.float32)

    def fmodel(params, buffers, x):
        return F.functional_call(base, (params, buffers), (x,))
    assert all(p.requires_grad and p.grad_fn is None for p in params.values())
    return params, F.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)


def test_model_ensembling_tutorial_matches_pytorch():
    _same(_host(_ensemble(aw, aw_func)), _host(_ensemble(torch, torch_func)), tol=1e-5)


def test_vmap_randomness_same_repeats_the_draws_and_different_does_not():
    """randomness='same' gives every example the same random numbers (as PyTorch's), 'different' its own."""
    for T, F in ((aw, aw_func), (torch, torch_func)):
        T.manual_seed(0)
        same = F.vmap(lambda x, T=T: x + T.rand(3), randomness="same")(T.zeros(4, 3))
        different = F.vmap(lambda x, T=T: x + T.rand(3), randomness="different")(T.zeros(4, 3))
        assert all(T.equal(row, same[0]) for row in same)
        assert not any(T.equal(row, different[0]) for row in different[1:])
