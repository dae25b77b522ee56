"""Cases where the engine once answered silently wrong (issue 10 §1): each program runs under PyTorch and
under autograd_widgets and what a learner can observe (values, requires_grad, grad_fn, gradients, the
exception raised) must agree."""
import threading

import numpy as np
import pytest

import autograd_widgets as aw

from graph_names import tree
from raised import raised

torch = pytest.importorskip("torch")

LIBS = [pytest.param(torch, id="torch"), pytest.param(aw, id="aw")]


def both(program):
    """program(T) under PyTorch and under autograd_widgets; the two answers must be equal."""
    expected, got = program(torch), program(aw)
    assert got == expected
    return got


def in_threads(*targets):
    """Run each target in its own thread, start all, wait for all."""
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
        assert not t.is_alive()


# --- grad mode is per thread -------------------------------------------------------------------
def other_thread_builds_while_one_sits_in_no_grad(T):
    x = T.ones(2, requires_grad=True)
    entered, built, seen = threading.Event(), threading.Event(), {}

    def a():
        with T.no_grad():
            entered.set()
            built.wait(30)
            seen["a"] = (x * 2).requires_grad

    def b():
        entered.wait(30)
        y = x * 2
        seen["b"] = y.requires_grad, y.grad_fn is not None
        built.set()

    in_threads(a, b)
    return seen, T.is_grad_enabled()


def backward_in_one_thread_leaves_grad_on_in_another(T):
    # A hook runs inside A's backward (where grad mode is create_graph=False); B builds then.
    x = T.ones(2, requires_grad=True)
    in_backward, built, seen = threading.Event(), threading.Event(), {}

    def hook(g):
        seen["a_in_backward"] = T.is_grad_enabled()
        in_backward.set()
        built.wait(30)
        return g

    def a():
        y = x * 3
        y.register_hook(hook)
        y.sum().backward()

    def b():
        in_backward.wait(30)
        seen["b"] = (x * 2).requires_grad, T.is_grad_enabled()
        built.set()

    in_threads(a, b)
    return seen, x.grad.tolist()


def interleaved_no_grad_exits(T):
    # A enters, B enters, A exits, B exits: each thread restores its own mode, so both end enabled.
    steps = [threading.Event() for _ in range(3)]
    seen = {}

    def a():
        with T.no_grad():
            steps[0].set()
            steps[1].wait(30)
        seen["a"] = T.is_grad_enabled()
        steps[2].set()

    def b():
        steps[0].wait(30)
        with T.no_grad():
            steps[1].set()
            steps[2].wait(30)
        seen["b"] = T.is_grad_enabled()

    in_threads(a, b)
    return seen, T.is_grad_enabled()


def new_thread_starts_enabled(T):
    seen = {}

    def child():
        seen["grad"], seen["inference"] = T.is_grad_enabled(), T.is_inference_mode_enabled()
        seen["rg"] = (T.ones(1, requires_grad=True) * 2).requires_grad

    with T.no_grad():
        in_threads(child)
    with T.inference_mode():
        in_threads(child)
        seen["parent_inference"] = T.is_inference_mode_enabled()
    T.set_grad_enabled(False)
    try:
        in_threads(child)
    finally:
        T.set_grad_enabled(True)
    return seen


def inference_mode_in_another_thread(T):
    x = T.ones(2, requires_grad=True)
    entered, built, seen = threading.Event(), threading.Event(), {}

    def a():
        with T.inference_mode():
            entered.set()
            built.wait(30)
            seen["a"] = T.is_inference_mode_enabled(), (x * 2).requires_grad

    def b():
        entered.wait(30)
        seen["b"] = T.is_inference_mode_enabled(), T.is_grad_enabled(), (x * 2).requires_grad
        built.set()

    in_threads(a, b)
    return seen


@pytest.mark.parametrize("program", [other_thread_builds_while_one_sits_in_no_grad,
                                     backward_in_one_thread_leaves_grad_on_in_another,
                                     interleaved_no_grad_exits, new_thread_starts_enabled,
                                     inference_mode_in_another_thread])
def test_grad_mode_is_per_thread(program):
    """Each thread has its own grad mode (and inference mode), as in PyTorch; a new thread starts enabled."""
    both(program)


# --- integer and bool results never require grad -----------------------------------------------
def seen(t):
    """Values, dtype, requires_grad and graph of a result."""
    return t.tolist(), str(t.dtype).split(".")[-1], t.requires_grad, tree(t.grad_fn)


def _x(T):
    return T.tensor([1.5, -2.0, 3.0, 0.0], requires_grad=True)


def _into(T, dtype, write):
    t = T.zeros(4, dtype=dtype)
    write(t, _x(T))
    return t


INTEGER_RESULTS = {
    "long": lambda T: _x(T).long(),
    "int": lambda T: _x(T).int(),
    "bool": lambda T: _x(T).bool(),
    "to_int64": lambda T: _x(T).to(T.int64),
    "to_uint8": lambda T: (_x(T) * 2).to(T.uint8),
    "type_LongTensor": lambda T: _x(T).type(T.LongTensor),
    "type_name": lambda T: _x(T).type("torch.IntTensor"),
    "long_of_view": lambda T: _x(T).view(2, 2).long(),
    "long_times_3_float": lambda T: (_x(T).long() * 3).float(),
    "long_plus_float": lambda T: _x(T).long() + 1.5,
    "argmax": lambda T: _x(T).argmax(),
    "argmin_dim": lambda T: _x(T).argmin(dim=0),
    "comparison": lambda T: _x(T) > 0,
    "equal": lambda T: _x(T) == _x(T),
    "max_dim_indices": lambda T: _x(T).max(0)[1],
    "sort_indices": lambda T: _x(T).sort()[1],
    "copy_into_int": lambda T: _into(T, T.int64, lambda t, x: t.copy_(x)),
    "copy_into_bool": lambda T: _into(T, T.bool, lambda t, x: t.copy_(x)),
    "setitem_into_int": lambda T: _into(T, T.int64, lambda t, x: t.__setitem__(0, x[0])),
    "slice_setitem_into_int": lambda T: _into(T, T.int64, lambda t, x: t.__setitem__(slice(None), x)),
    "copy_into_int_slice": lambda T: _into(T, T.int64, lambda t, x: t[1:].copy_(x[1:] * 2)),
}


@pytest.mark.parametrize("name", INTEGER_RESULTS)
def test_integer_results_have_no_graph(name):
    """A cast to an integer or bool dtype, an index-valued result, or a write into an integer tensor
    gives a tensor without requires_grad or grad_fn, as PyTorch: no gradient flows through integers."""
    both(lambda T: seen(INTEGER_RESULTS[name](T)))


INTEGER_IN_PLACE = {
    "add_": lambda T, t, x: t.add_(x),
    "mul_": lambda T, t, x: t.mul_(x * 2),
    "iadd": lambda T, t, x: t.__iadd__(x * 2),
    "sub_under_no_grad": lambda T, t, x: _under_no_grad(T, lambda: t.sub_(x)),
}


def _under_no_grad(T, fn):
    with T.no_grad():
        return fn()


@pytest.mark.parametrize("name", INTEGER_IN_PLACE)
def test_integer_tensor_refuses_float_in_place_result(name):
    """An in-place op on an integer tensor with a float operand that requires grad raises PyTorch's
    error instead of cutting the result to integers and attaching a graph."""
    def program(T):
        t = T.zeros(3, dtype=T.int64)
        x = T.ones(3, requires_grad=True)
        return raised(lambda: INTEGER_IN_PLACE[name](T, t, x)), seen(t)
    both(program)


def test_float_after_integer_cast_has_no_path_back():
    """(x.long()*3).float() is a constant: backward through it fails as in PyTorch, x keeps no grad."""
    def program(T):
        x = _x(T)
        y = (x.long() * 3).float().sum() + (x * 2).sum()
        y.backward()
        return x.grad.tolist(), raised(lambda: (x.long() * 3).float().sum().backward())
    both(program)


# --- NaN as PyTorch treats it --------------------------------------------------------------------
NAN, INF = float("nan"), float("inf")


def value_and_grad(f, values):
    """f(T, x) on a float64 leaf x holding `values`: the result and x's gradient (of its sum), NaN as 'nan'."""
    def program(T):
        x = T.tensor(values, dtype=T.float64, requires_grad=True)
        y = f(T, x)
        y.sum().backward()
        return str(y.tolist()), str(x.grad.tolist())
    return program


NAN_CASES = {
    "relu": (lambda T, x: T.relu(x), [NAN, 1., -1.]),
    "functional_relu": (lambda T, x: T.nn.functional.relu(x), [NAN, 1., -1.]),
    "relu_in_place": (lambda T, x: T.relu_(x * 1), [NAN, -1., 2.]),
    "relu_double_backward": (lambda T, x: T.autograd.grad(T.relu(x).pow(2).sum(), x, create_graph=True)[0],
                             [NAN, 1., -1.]),
    "sign": (lambda T, x: x.sign() + x, [NAN, 1., -1., 0.]),
    "sgn": (lambda T, x: x.sgn() + x, [NAN, 1., -1., 0.]),
    "abs": (lambda T, x: x.abs(), [NAN, 0., -1.]),
    "max_all": (lambda T, x: x.max(), [1., NAN, 3.]),
    "min_all": (lambda T, x: x.min(), [1., NAN, 3.]),
    "max_all_two_nans": (lambda T, x: x.max(), [NAN, NAN, 3.]),
    "max_dim": (lambda T, x: x.view(2, 2).max(1)[0], [1., NAN, NAN, NAN]),
    "min_dim": (lambda T, x: x.view(2, 2).min(0)[0], [1., NAN, NAN, 2.]),
    "max_dim_indices": (lambda T, x: x.view(2, 2).max(1)[1] + x.sum(), [1., NAN, NAN, NAN]),
    "sort_descending": (lambda T, x: x.sort(descending=True)[0] * T.arange(4.), [2., NAN, 1., NAN]),
    "sort_descending_indices": (lambda T, x: x.sort(descending=True)[1] + x.sum(), [2., NAN, 1., NAN]),
    "sort_descending_dim0": (lambda T, x: x.view(2, 2).sort(0, descending=True)[0] * T.arange(4.).view(2, 2),
                             [NAN, 1., 2., NAN]),
    "topk": (lambda T, x: x.topk(2)[0] * T.arange(2.), [2., NAN, 1.]),
    "zero_to_the_x": (lambda T, x: 0 ** x, [0., 1., 2., -1.]),
    "pow_zero_base": (lambda T, x: T.pow(0., x), [0., 1., 2., NAN]),
    "zero_to_the_x_double_backward": (lambda T, x: T.autograd.grad((0 ** x).sum(), x, create_graph=True)[0],
                                      [0., 1., -1.]),
    "two_to_the_x": (lambda T, x: 2 ** x, [0., NAN, -1.]),
    "norm_minus_inf": (lambda T, x: x.norm(p=-INF), [3., -1.5, 2.]),
    "norm_minus_inf_ties": (lambda T, x: x.norm(p=-INF), [3., -1., 1.]),
    "norm_minus_inf_nan": (lambda T, x: x.norm(p=-INF), [3., NAN, 2.]),
    "norm_inf_nan": (lambda T, x: x.norm(p=INF), [3., NAN, 2.]),
    "norm_minus_inf_dim": (lambda T, x: x.view(2, 2).norm(p=-INF, dim=1), [3., -1., 2., 5.]),
    "norm_half_at_zero": (lambda T, x: x.norm(p=0.5), [0., 1., -4.]),
    "norm_half_at_zero_double_backward": (lambda T, x: T.autograd.grad(x.norm(p=0.5), x, create_graph=True)[0],
                                          [0., 1., -4.]),
    "clamp": (lambda T, x: x.clamp(0., 1.), [NAN, 2., .5]),
    "clamp_min": (lambda T, x: x.clamp(min=0.), [NAN, -2., .5]),
    "clamp_nan_bound": (lambda T, x: x.clamp(min=NAN), [1., -2.]),
    "maximum": (lambda T, x: T.maximum(x, T.tensor([0., NAN, 1.], dtype=T.float64)), [NAN, 1., 1.]),
    "minimum": (lambda T, x: T.minimum(x, T.tensor([0., NAN, 1.], dtype=T.float64)), [NAN, 1., 1.]),
    "hardtanh": (lambda T, x: T.nn.functional.hardtanh(x), [NAN, -3., .5]),
    "relu6": (lambda T, x: T.nn.functional.relu6(x), [NAN, 7., 1.]),
    "elu": (lambda T, x: T.nn.functional.elu(x), [NAN, -1.]),
    "elu_in_place": (lambda T, x: T.nn.functional.elu(x * 1, inplace=True), [NAN, -1.]),
    "selu": (lambda T, x: T.nn.functional.selu(x), [NAN, -1.]),
    "leaky_relu": (lambda T, x: T.nn.functional.leaky_relu(x), [NAN, -1.]),
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", NAN_CASES)
def test_nan_values_and_gradients(name):
    """NaN inputs give PyTorch's values and send the gradient where PyTorch sends it: relu/hardtanh/elu
    pass NaN (and its gradient) on, sign(NaN) is 0, max()/min() share the gradient among the NaNs,
    sort/topk order NaN above everything, 0 ** x is flat where x >= 0, norm(p=-inf) is the smallest |x|."""
    both(value_and_grad(*NAN_CASES[name]))


# --- hooks may not change a gradient's size or type ------------------------------------------
class CallableHook:
    """A hook without a __name__ (PyTorch calls it '<unknown>')."""
    def __call__(self, g):
        return g[:1]


def named_hook(g):
    return g.double()


HOOK_CASES = {
    "tensor_hook_size": lambda T, x, y: y.register_hook(lambda g: g.sum()),
    "tensor_hook_view": lambda T, x, y: y.register_hook(lambda g: g.view(3, 1)),
    "tensor_hook_dtype": lambda T, x, y: y.register_hook(named_hook),
    "tensor_hook_int": lambda T, x, y: y.register_hook(lambda g: g.int()),
    "tensor_hook_dtype_and_size": lambda T, x, y: y.register_hook(lambda g: g.sum().double()),
    "tensor_hook_object": lambda T, x, y: y.register_hook(CallableHook()),
    "tensor_hook_not_a_tensor": lambda T, x, y: y.register_hook(lambda g: 5),
    "leaf_hook_size": lambda T, x, y: x.register_hook(lambda g: g[:2]),
    "leaf_hook_dtype": lambda T, x, y: x.register_hook(lambda g: g.double()),
    "node_prehook_size": lambda T, x, y: y.grad_fn.register_prehook(lambda go: (go[0][:1],)),
    "node_prehook_count": lambda T, x, y: y.grad_fn.register_prehook(lambda go: (go[0], go[0])),
    "node_hook_size": lambda T, x, y: y.grad_fn.register_hook(lambda gi, go: (gi[0][:1], None)),
    "node_hook_dtype": lambda T, x, y: y.grad_fn.register_hook(lambda gi, go: (gi[0].double(), None)),
    "node_hook_count": lambda T, x, y: y.grad_fn.register_hook(lambda gi, go: (gi[0],)),
    "node_hook_fills_none": lambda T, x, y: y.grad_fn.register_hook(lambda gi, go: (gi[0], gi[0])),
    "hook_keeps_shape_and_dtype": lambda T, x, y: y.register_hook(lambda g: g * 10),
    "node_hook_keeps_shape": lambda T, x, y: y.grad_fn.register_hook(lambda gi, go: (gi[0] * 3, None)),
}


@pytest.mark.parametrize("name", HOOK_CASES)
def test_hook_changing_a_gradient(name):
    """A tensor or node hook that returns a gradient of another size or dtype (or a non-tensor, or the wrong
    number of gradients) raises PyTorch's error instead of passing the changed gradient on."""
    def program(T):
        x = T.ones(3, requires_grad=True)
        y = x * T.ones(3)
        HOOK_CASES[name](T, x, y)
        return raised(lambda: y.sum().backward()), None if x.grad is None else x.grad.tolist()
    both(program)


# --- invalid calls fail as in PyTorch, instead of answering ------------------------------------
MISUSES = {
    "dot_of_matrices": lambda T: T.dot(T.ones(2, 2), T.ones(2, 2)),
    "dot_method_of_matrices": lambda T: T.ones(2, 2).dot(T.ones(2, 2)),
    "dot_of_scalars": lambda T: T.dot(T.ones(()), T.ones(())),
    "dot_lengths": lambda T: T.dot(T.ones(2), T.ones(3)),
    "mv_of_vectors": lambda T: T.mv(T.ones(2), T.ones(2)),
    "mv_of_matrices": lambda T: T.mv(T.ones(2, 2), T.ones(2, 2)),
    "bmm_of_matrices": lambda T: T.bmm(T.ones(2, 2), T.ones(2, 2)),
    "bmm_4d": lambda T: T.bmm(T.ones(1, 2, 2, 2), T.ones(1, 2, 2, 2)),
    "bmm_batch_sizes": lambda T: T.bmm(T.ones(2, 2, 2), T.ones(3, 2, 2)),
    "bmm_inner_sizes": lambda T: T.bmm(T.ones(2, 2, 3), T.ones(2, 2, 2)),
    "mm_of_vector": lambda T: T.mm(T.ones(2), T.ones(2, 2)),
    "mm_3d": lambda T: T.mm(T.ones(2, 2, 2), T.ones(2, 2)),
    "permute_past_the_end": lambda T: T.ones(2, 3).permute(0, 2),
    "permute_negative_past_the_start": lambda T: T.ones(2, 3).permute(-3, 0),
    "expand_minus_one_new_dim": lambda T: T.ones(3).expand(-1, 3),
    "expand_minus_one_second_new_dim": lambda T: T.ones(3).expand(2, -1, 3),
    "float_index": lambda T: T.ones(3)[1.0],
    "float_index_in_tuple": lambda T: T.ones(3, 3)[0, 1.0],
    "float_index_assignment": lambda T: T.ones(3).__setitem__(1.0, 0.),
    "numpy_float_index": lambda T: T.ones(3)[np.float64(1.0)],
    "negative_step": lambda T: T.ones(3)[::-1],
    "negative_step_second_dim": lambda T: T.ones(3, 3)[:, ::-2],
    "zero_step": lambda T: T.ones(3)[::0],
    "tensor_2_to_63": lambda T: T.tensor(2 ** 63),
    "tensor_list_past_int64": lambda T: T.tensor([1, 2 ** 63]),
    "tensor_below_int64": lambda T: T.tensor(-2 ** 63 - 1),
    "tensor_2_to_64_nested": lambda T: T.tensor([[1], [2 ** 64]]),
    "add_list": lambda T: T.ones(2) + [1, 2],
    "list_plus_tensor": lambda T: [1, 2] + T.ones(2),
    "times_list": lambda T: T.ones(2) * [1, 2],
    "minus_tuple": lambda T: T.ones(2) - (1, 2),
    "list_minus_tensor": lambda T: [1, 2] - T.ones(2),
    "divide_by_list": lambda T: T.ones(2) / [1, 2],
    "list_over_tensor": lambda T: [1, 2] / T.ones(2),
    "power_of_list": lambda T: T.ones(2) ** [1, 2],
    "less_than_list": lambda T: T.ones(2) < [1, 2],
    "torch_add_list": lambda T: T.add(T.ones(2), [1, 2]),
    "torch_mul_tuple": lambda T: T.mul(T.ones(2), (1, 2)),
    "where_float_condition": lambda T: T.where(T.ones(2), T.ones(2), T.zeros(2)),
    "where_int_condition": lambda T: T.where(T.ones(2, dtype=T.int64), T.ones(2), T.zeros(2)),
    "numpy_asarray_of_requires_grad": lambda T: np.asarray(T.ones(2, requires_grad=True)),
}

VALID_NEIGHBOURS = {  # the calls next to the misuses that must keep working
    "tensor_2_to_63_minus_1": lambda T: T.tensor(2 ** 63 - 1),
    "tensor_float_2_to_63": lambda T: T.tensor([1.5, 2 ** 63]),
    "tensor_2_to_63_as_float32": lambda T: T.tensor(2 ** 63, dtype=T.float32),
    "equal_to_list_is_false": lambda T: T.ones(2) == [1, 2],
    "integer_tensor_repeats_list": lambda T: T.ones(2, dtype=T.int64)[1] * [1, 2],
    "positive_step": lambda T: T.arange(5)[::2],
    "integer_tensor_index": lambda T: T.arange(5)[T.tensor(2)],
    "permute_negative": lambda T: T.ones(2, 3).permute(-1, 0),
    "expand_minus_one_existing_dim": lambda T: T.ones(3).expand(2, -1),
    "numpy_asarray_under_no_grad": lambda T: _no_grad_asarray(T),
}


def _no_grad_asarray(T):
    with T.no_grad():
        return np.asarray(T.ones(2, requires_grad=True))


def _outcome(value):
    return value.tolist() if hasattr(value, "tolist") else value


@pytest.mark.parametrize("name", MISUSES)
def test_misuse_raises_pytorchs_error(name):
    """An invalid call raises PyTorch's exception type with its exact words (before our explanation)."""
    outcome = both(lambda T: raised(lambda: MISUSES[name](T)))
    assert outcome is not None


@pytest.mark.parametrize("name", VALID_NEIGHBOURS)
def test_valid_neighbours_of_misuses_still_answer(name):
    """The valid calls next to each misuse give PyTorch's answer."""
    both(lambda T: _outcome(VALID_NEIGHBOURS[name](T)))


# --- dtypes of NumPy scalars, and memory shared as in PyTorch ------------------------------------
NUMPY_SCALARS = {
    "times_float64": lambda T: T.ones(2) * np.float64(2.),
    "float64_times": lambda T: np.float64(2.) * T.ones(2),
    "plus_float32_on_double": lambda T: T.ones(2, dtype=T.float64) + np.float32(2.),
    "int32_plus_int64": lambda T: T.ones(2, dtype=T.int32) + np.int64(2),
    "divide_by_float64": lambda T: T.ones(2) / np.float64(2.),
    "power_float64": lambda T: T.ones(2) ** np.float64(2.),
    "float64_to_the": lambda T: np.float64(2.) ** T.ones(2),
    "torch_mul": lambda T: T.mul(T.ones(2), np.float64(2.)),
    "clamp_bounds": lambda T: T.ones(2).clamp(np.float64(0.), np.float64(.5)),
    "clamp_min": lambda T: T.ones(2).clamp(min=np.float64(0.)),
    "where_other": lambda T: T.where(T.ones(2) > 0, T.ones(2), np.float64(0.)),
    "requires_grad_times": lambda T: T.ones(2, requires_grad=True) * np.float64(3.),
}


@pytest.mark.parametrize("name", NUMPY_SCALARS)
def test_numpy_scalar_is_a_python_number(name):
    """A NumPy scalar operand behaves as a Python number: float32 stays float32, as in PyTorch."""
    both(lambda T: seen(NUMPY_SCALARS[name](T)))


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64, np.float32, np.float64, np.bool_])
def test_from_numpy_shares_memory(dtype):
    """from_numpy keeps the array's dtype and shares its memory: a write to the array shows in the tensor."""
    def program(T):
        a = np.zeros(3, dtype=dtype)
        t = T.from_numpy(a)
        a[0] = 1
        return seen(t)
    both(program)


def _deepcopy_program(make):
    def program(T):
        import copy
        base = T.zeros(4, dtype=T.float64)
        views = make(base)
        base2, *views2 = copy.deepcopy([base] + views)
        base2[1] = 5.
        base2[3] = 7.
        views2[0].mul_(2)
        return [seen(base2)] + [(seen(v), v._is_view()) for v in views2] + [seen(base)]
    return program


DEEPCOPIES = {
    "slice": lambda b: [b[1:3]],
    "view_then_transpose": lambda b: [b.view(2, 2).t()],
    "two_views": lambda b: [b[1:], b[::2]],
    "select": lambda b: [b[1]],
    "unrelated_tensor": lambda b: [b.clone()],
}


@pytest.mark.parametrize("name", DEEPCOPIES)
def test_deepcopy_keeps_sharing(name):
    """copy.deepcopy of a base and its views copies the memory once: the copies still share it (and are
    not views by autograd's record), as PyTorch's deepcopy shares one copied storage."""
    both(_deepcopy_program(DEEPCOPIES[name]))


def test_deepcopy_view_listed_before_its_base():
    """The sharing holds whichever tensor deepcopy meets first."""
    def program(T):
        import copy
        base = T.zeros(4)
        view2, base2 = copy.deepcopy([base[1:3], base])
        base2[1] = 3.
        return seen(view2), seen(base2)
    both(program)


def test_an_output_given_twice_to_backward_counts_twice():
    """backward([a, a]) (and autograd.grad of [a, b, c, a]) adds a's gradient twice, as PyTorch; it once gave
    no gradient at all, since the node behind a repeated root was counted as waiting for one arrival too many."""
    def program(T):
        x = T.tensor([1., 2.], requires_grad=True)
        w = T.tensor(3., requires_grad=True)
        a = (x * w).sum()
        b = (x + w).sum()
        T.autograd.backward([a, a], retain_graph=True)
        first = x.grad.tolist(), w.grad.tolist()
        got = T.autograd.grad([a, b, a * b, a], [x, w])
        return first, [g.tolist() for g in got]
    assert both(program) == (([6., 6.], 6.), [[43., 43.], 53.])


@pytest.mark.parametrize("make", [
    lambda T: T.tensor([1e308, 0.0]),
    lambda T: T.tensor([1e308], dtype=T.float32),
    lambda T: T.tensor(np.array([1e308, -1e308]), dtype=T.float32),
    lambda T: T.as_tensor([1e308]),
    lambda T: T.tensor([1e308], dtype=T.float64) * 1e308,
    lambda T: T.tensor([1e308], dtype=T.float64).float(),
], ids=["tensor", "tensor dtype", "from array", "as_tensor", "overflowing mul", "cast"])
def test_out_of_range_values_become_inf_silently_as_in_pytorch(make):
    """NumPy warns when a cast or an op overflows; PyTorch gives inf without a word. (Its full, fill_ and
    setitem raise instead: 'value cannot be converted to type float without overflow'; test_scalar_overflow.py.)"""
    import warnings

    def program(T):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = make(T)
        return [str(w.message) for w in caught], out.tolist()
    both(program)
