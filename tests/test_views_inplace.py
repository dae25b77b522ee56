"""Views, detach() and in-place ops as PyTorch 2.13 runs them: which results are views, which
tensors share a version counter, what an op saves, and the graph (CopySlices over the op's node,
AsStridedBackward0 for the views) an in-place write through a view records. Each program runs
under PyTorch and under autograd_widgets and what a learner can observe must agree."""
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from graph_names import tree
from raised import outcome, words

torch = pytest.importorskip("torch")


def seen(t):
    """What a learner sees of a tensor: values, requires_grad, graph, version, whether it is a view."""
    return (np.round(t.detach().numpy().astype(float), 6).tolist(), t.requires_grad, tree(t.grad_fn), t._version,
            t._is_view(), t._base is not None)


def grad_of(x):
    return None if x.grad is None else np.round(x.grad.numpy().astype(float), 6).tolist()


def _x(T, shape=(3, 4)):
    return T.arange(1., 1. + np.prod(shape), dtype=T.float64).reshape(*shape).requires_grad_()


# --- detach() and .data ------------------------------------------------------------------------
def detach_zero_on_a_leaf(T):
    x = _x(T)
    d = x.detach()
    d.zero_()  # allowed: d is no view, it only shares data and the version counter
    return seen(x), seen(d), x.is_leaf


def detach_then_saved_leaf_changed(T):
    x = _x(T)
    y = x.sin()  # saves x
    x.detach().mul_(2)
    y.sum().backward()


def data_has_its_own_version_counter(T):
    x = _x(T)
    y = x.sin()
    d = x.data
    d.add_(1)
    y.sum().backward()  # no error: .data's changes are invisible to autograd
    return seen(d), x._version, grad_of(x)


def detach_of_a_view(T):
    x = _x(T)
    v = x[1]
    d = v.detach()
    d.fill_(7)
    w = d[1:3]
    w.add_(1)
    return seen(d), seen(w), x._version, v._version


# --- what an op saves ------------------------------------------------------------------------
def _saved(fn, *names_):
    out = []
    for n in names_:
        value = getattr(fn, "_saved_" + n)
        out.append(value if value is None else (np.asarray(value.tolist()).tolist(), str(value.dtype)))
    return out


def saves_only_what_the_formula_needs(T):
    x = _x(T)
    h = x * 1
    w = T.linspace(0.5, 2, 4, dtype=T.float64)
    m = T.ones(4, 2, dtype=T.float64)
    results = [_saved((h * 2).grad_fn, "self", "other"), _saved((h * 2.5).grad_fn, "self", "other"),
               _saved((h * w).grad_fn, "self", "other"), _saved((w * h).grad_fn, "self", "other"),
               _saved((h / w).grad_fn, "self", "other"), _saved((w / h).grad_fn, "self", "other"),
               _saved((h / 2).grad_fn, "other"), _saved((h @ m).grad_fn, "self", "mat2"),
               _saved((m.t() @ h.t()).grad_fn, "self", "mat2"), _saved((h @ w).grad_fn, "self", "vec"),
               _saved((h[0] @ w).grad_fn, "self", "tensor")]
    return results


def changing_an_unsaved_factor_is_no_error(T):
    x = _x(T)
    w = T.linspace(0.5, 2, 4, dtype=T.float64)
    h = x * 1
    outs = [h * 2, h * w, h / w, h @ T.ones(4, 2, dtype=T.float64)]
    h.add_(1)
    sum(o.sum() for o in outs).backward()
    return grad_of(x), h._version


def changing_a_saved_factor_is_an_error(T):
    x = _x(T)
    w = T.linspace(0.5, 2, 4, dtype=T.float64).requires_grad_()
    h = x * 1
    z = h * w  # saves h, for w's gradient
    h.add_(1)
    z.sum().backward()


def in_place_ops_save_a_clone_of_self(T):
    x = _x(T)
    w = T.linspace(0.5, 2, 4, dtype=T.float64).requires_grad_()
    z = x * 1
    z.mul_(w)  # w's gradient needs z's old value: PyTorch saves original_self, a clone
    z.div_(w)
    saved = z.grad_fn._saved_self
    g, = T.autograd.grad(z.sum(), w, create_graph=True)
    return seen(z), seen(saved), tree(g.grad_fn), np.round(g.detach().numpy(), 6).tolist()


# --- which results are views -----------------------------------------------------------------
def views_and_non_views(T):
    x = _x(T)
    a = T.ones(3, dtype=T.float64, requires_grad=True)
    results = {"a @ x": a @ x, "x @ x.t()": x @ x.t(), "x * 1": x * 1, "t().reshape copies": x.t().reshape(12),
               "reshape": x.reshape(12), "view": x.view(4, 3), "x[0]": x[0], "x[:, 1:]": x[:, 1:], "t": x.t(),
               "transpose": x.transpose(0, 1), "permute": x.permute(1, 0), "unsqueeze": x.unsqueeze(0),
               "squeeze": x.unsqueeze(0).squeeze(0), "expand": x[:1].expand(2, 4), "narrow": x.narrow(1, 1, 2),
               "select": x.select(1, 2), "mT": x.mT, "detach": x.detach(), "x.data": x.data, "clone": x.clone()}
    return {k: (v._is_view(), v._base is x, tree(v.grad_fn)) for k, v in results.items()}


def in_place_on_non_view_results(T):
    x = _x(T)
    a = T.ones(3, dtype=T.float64, requires_grad=True)
    m = a @ x
    m.add_(1)
    r = x.t().reshape(12)
    r.mul_(2)
    (m.sum() + r.sum()).backward()
    return seen(m), seen(r), grad_of(x), grad_of(a)


# --- in-place through views of non-leaves ----------------------------------------------------
def setitem_through_a_view(T):
    x = _x(T)
    y = x * 2
    y[0][0] = 5
    y.sum().backward()
    return seen(y), grad_of(x)


def mul_on_a_column(T):
    x = _x(T)
    y = x * 2
    u = y[:, 1]
    u.mul_(2)
    (y * y).sum().backward()
    return seen(y), seen(u), u._base is y, grad_of(x)


def setitem_on_a_held_view(T):
    x = _x(T)
    y = x * 2
    u = y[0]
    u[0] = 666
    (u * u).sum().backward(retain_graph=True)
    g1 = grad_of(x)
    x.grad = None
    (y ** 2).sum().backward()
    return seen(y), seen(u), g1, grad_of(x)


def add_on_a_transpose(T):
    x = _x(T)
    y = x * 2
    t = y.t()
    t.add_(1)
    (t * T.arange(12., dtype=T.float64).view(4, 3)).sum().backward()
    fn = t.grad_fn  # regenerated: it names where t lies in y
    return seen(y), seen(t), grad_of(x), (fn._saved_size, fn._saved_stride, fn._saved_storage_offset)


def views_of_views(T):
    x = _x(T, (4, 5))
    y = x * 2  # saves no tensor, so the writes below leave backward free to run
    v = y[1:3, ::2]
    vv = v[1]
    vv.mul_(3)
    w = y.view(20)[5:8]
    w.sub_(1)
    (y * y).sum().backward()
    return seen(y), seen(v), seen(vv), seen(w), grad_of(x)


def a_value_with_its_own_graph(T):
    x = _x(T)
    w = T.tensor([1., -2., 3., 0.5], dtype=T.float64, requires_grad=True)
    y = x * x
    y[1].mul_(w)
    y[2] = w.exp()
    y[:, 0].exp_()
    (y * 3).sum().backward()
    return seen(y), grad_of(x), grad_of(w)


def in_place_on_the_base_updates_its_views(T):
    x = _x(T)
    y = x * 2
    v = y[0]
    s = y[1]
    s.mul_(3)  # a sibling: v's values did not change, but its history now goes through CopySlices
    v_after_sibling = tree(v.grad_fn)
    y.add_(1)
    (v * v).sum().backward()
    return v_after_sibling, seen(v), seen(s), grad_of(x)


def writing_a_graph_into_a_plain_tensor(T):
    w = T.tensor([1., 2., 3., 4.], dtype=T.float64, requires_grad=True)
    b = T.zeros(3, 4, dtype=T.float64)
    r0 = b[0]
    b[1] = w * 2
    b[2, 1:3] = w[:2]
    (b * b).sum().backward()
    return seen(b), seen(r0), grad_of(w)


def fill_and_zero(T):
    x = _x(T)
    y = x * 2
    y[0].zero_()
    y[:, 2].fill_(3.)
    y.sum().backward()
    return seen(y), grad_of(x)


def retain_graph_through_copyslices(T):
    x = _x(T)
    w = T.ones(4, dtype=T.float64, requires_grad=True)
    y = x * 1
    y[1].mul_(w)  # saves the old row and w
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    assert grad_of(x) == np.full((3, 4), 2.).tolist()
    y.sum().backward()  # freed now


def create_graph_through_copyslices(T):
    x = _x(T)
    w = T.tensor([1., -2., 3., 0.5], dtype=T.float64, requires_grad=True)
    y = x * x
    u = y[1]
    u.mul_(w)
    g, = T.autograd.grad((y * y).sum(), x, create_graph=True)
    gw, = T.autograd.grad(g.sum(), w, create_graph=True)
    h, = T.autograd.grad((u ** 3).sum(), w, create_graph=True)
    hh, = T.autograd.grad(h.sum(), x)
    return seen(g), tree(g.grad_fn), seen(gw), seen(h), np.round(hh.numpy(), 6).tolist()


def a_saved_tensor_changed_through_a_view(T):
    x = _x(T)
    y = x * 2
    z = y.sin()
    y[0].mul_(2)
    z.sum().backward()


def a_saved_view_changed_through_its_base(T):
    x = _x(T)
    y = x * 2
    v = y[0]
    z = v.sin()
    y.mul_(2)
    z.sum().backward()


def in_place_on_an_expanded_view(T):
    x = _x(T)
    (x * 2).expand(2, 3, 4).mul_(2)


def _view_made_in_no_grad(T):
    x = _x(T)
    y = x * 2
    with T.no_grad():
        v = y[0]
    return x, y, v


def writes_into_expanded_tensors(T):
    """A computed in-place op is refused where elements share memory; fills and single elements are not."""
    z = T.zeros(1, 3, dtype=T.float64)
    e = z.expand(2, 3)
    e.fill_(2.)
    e[0, 1] = 5.
    e[1].mul_(3)  # one row: no element of it shares memory with another of it
    return seen(z), seen(e)


def in_place_on_a_view_made_in_no_grad(T):
    _, _, v = _view_made_in_no_grad(T)
    v.mul_(2)


def in_place_on_a_view_of_a_leaf(T):
    x = _x(T)
    x[0].mul_(2)


def views_in_no_grad_stay_untracked(T):
    x, y, v = _view_made_in_no_grad(T)
    with T.no_grad():
        v.mul_(2)
    y.sum().backward()
    return seen(y), grad_of(x), y._version


def pieces_of_unbind_split_chunk(T):
    x = _x(T)
    y = x * 2
    pieces = y.unbind(1) + y.split(2) + T.split(y, [1, 3], 1) + y.chunk(2, 1) + T.chunk(y, 4)
    (pieces[0] * pieces[5].sum() + pieces[9][:, 0]).sum().backward()
    return [seen(p) for p in pieces], grad_of(x)


def in_place_on_pieces(T):
    x = _x(T)
    y = x * 2
    said = []
    for piece in (y.unbind()[1], y.split(2)[1], y.split([1, 2])[0], y.chunk(2, 1)[1], x.unbind()[0]):
        try:
            piece.mul_(2)
        except RuntimeError as e:
            said.append(words(e))
    z = T.zeros(3, 4, dtype=T.float64)
    z.unbind()[0].mul_(2)  # no graph involved: allowed
    with T.no_grad():
        y.unbind()[0].mul_(2)
    return said, seen(z), seen(y)


def a_piece_used_after_its_base_changed(T):
    x = _x(T)
    y = x * 2
    u = y.unbind()[0]
    y.add_(1)
    return u * 2


def slices_that_cover_a_dim_or_not(T):
    """PyTorch skips a slice as written (start 0, step 1, stop at or past the size), not as it resolves:
    `[..., 1:]` of an empty dim and `[..., -3:]` of three elements are slices (fuzzer finding)."""
    graphs = []
    for n in (0, 3):
        y = T.zeros(n, dtype=T.float64, requires_grad=True) * 2
        for sl in (slice(1, None), slice(-3, None), slice(None, 0), slice(None, 5), slice(0, n), slice(None, None, 1)):
            graphs += [tree(y[..., sl].grad_fn), tree(y[sl, ...].grad_fn)]
    return graphs


def setitem_of_the_whole_tensor(T):
    """copy_to's three cases: a 0-d value (a Python number too) fills, a (1,) value is viewed to 0-d and expanded,
    a full-shape value is copied; over the whole tensor or a slice of it."""
    seen_ = []
    for shape in ((), (1,), "region"):
        for index in (slice(None), slice(None, 5), Ellipsis, slice(1, None)):
            y = _x(T, (3,)) * 1
            v = T.ones(y[index].shape if shape == "region" else shape, dtype=T.float64, requires_grad=True)
            y[index] = v * 2
            y[index] = 1.5 if shape == () else y[index]
            (y * y).sum().backward()
            seen_.append((seen(y), grad_of(v)))
    return seen_


PROGRAMS = {f.__name__: f for f in (
    slices_that_cover_a_dim_or_not, setitem_of_the_whole_tensor,
    pieces_of_unbind_split_chunk, in_place_on_pieces, a_piece_used_after_its_base_changed,
    detach_zero_on_a_leaf, detach_then_saved_leaf_changed, data_has_its_own_version_counter, detach_of_a_view,
    saves_only_what_the_formula_needs, changing_an_unsaved_factor_is_no_error, changing_a_saved_factor_is_an_error,
    in_place_ops_save_a_clone_of_self,
    views_and_non_views, in_place_on_non_view_results, setitem_through_a_view, mul_on_a_column,
    setitem_on_a_held_view, add_on_a_transpose, views_of_views, a_value_with_its_own_graph,
    in_place_on_the_base_updates_its_views, writing_a_graph_into_a_plain_tensor, fill_and_zero,
    retain_graph_through_copyslices, create_graph_through_copyslices, a_saved_tensor_changed_through_a_view,
    a_saved_view_changed_through_its_base, in_place_on_an_expanded_view, writes_into_expanded_tensors, in_place_on_a_view_made_in_no_grad,
    in_place_on_a_view_of_a_leaf, views_in_no_grad_stay_untracked)}


def observe(program, T):
    """The program's result, or its exception as (type name, PyTorch's words)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return outcome(lambda: program(T))


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program_observes_the_same(name):
    ours, theirs = observe(PROGRAMS[name], aw), observe(PROGRAMS[name], torch)
    assert ours == theirs


@pytest.mark.parametrize("name", ["detach_then_saved_leaf_changed", "changing_a_saved_factor_is_an_error",
                                  "retain_graph_through_copyslices", "a_saved_tensor_changed_through_a_view",
                                  "a_saved_view_changed_through_its_base", "in_place_on_an_expanded_view",
                                  "in_place_on_a_view_made_in_no_grad", "in_place_on_a_view_of_a_leaf",
                                  "a_piece_used_after_its_base_changed"])
def test_errors_come_with_an_explanation(name):
    with pytest.raises(RuntimeError, match=r"\n\n\[autograd_widgets\] \w"):
        PROGRAMS[name](aw)


def test_fill_with_a_tensor_value_records_fill_backward3_as_pytorch():
    """x.fill_(v) with a 0-d tensor v: PyTorch records FillBackward3 whenever x or v requires grad, and v
    gets the sum of the gradient (it is every element now); a 1-d v is refused in PyTorch's words."""
    torch = pytest.importorskip("torch")

    def program(T, self_grad, value_grad):
        v = T.tensor(2.0, requires_grad=value_grad)
        x = T.zeros(3, requires_grad=self_grad).clone() if self_grad else T.zeros(3)
        y = x.fill_(v)
        names = [y.grad_fn.name() if y.grad_fn else None,
                 [fn.name() if fn else None for fn, _ in y.grad_fn.next_functions] if y.grad_fn else None]
        if y.requires_grad:
            (y * T.tensor([1.0, 2.0, 3.0])).sum().backward()
        return names, y.tolist(), y.requires_grad, v.grad.item() if v.grad is not None else None

    for self_grad in (False, True):
        for value_grad in (False, True):
            assert program(aw, self_grad, value_grad) == program(torch, self_grad, value_grad)

    def refused(T):
        with pytest.raises(RuntimeError) as e:
            T.zeros(3).fill_(T.ones(2))
        return str(e.value).split("\n")[0]
    assert refused(aw) == refused(torch)
    assert aw.zeros(3, dtype=aw.int8).fill_(aw.tensor(300)).tolist() == [44, 44, 44]  # cast unchecked, as PyTorch
