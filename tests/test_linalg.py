"""torch.linalg and the matrix functions (det, inverse, svd, trace, diag, addmm, ...) against PyTorch:
values over shapes, dtypes and batches, node names and edges, gradients and second gradients, PyTorch's
errors, views, and the tensors_deeper tutorial's lines printing what PyTorch prints.

The functions whose whole graph is PyTorch's are rows of the op table (op_cases_linalg.CASES), so the
gradcheck, fast-path and backend-seam suites cover them; here are the rest and what a table row cannot say.
"""
import inspect
import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
import test_explain
import test_gradcheck_ops as G
from op_cases import arrays, make
from op_cases_linalg import OWN_GRADIENT_GRAPH
from test_gradcheck_ops import graph

torch = pytest.importorskip("torch")

IDS = [c[0] for c in OWN_GRADIENT_GRAPH]


@pytest.mark.parametrize("case", OWN_GRADIENT_GRAPH, ids=IDS)
def test_gradient_and_second_gradient_match_finite_differences(case):
    G.test_gradcheck(case)
    G.test_gradgradcheck(case)


@pytest.mark.parametrize("case", OWN_GRADIENT_GRAPH, ids=IDS)
def test_values_graph_gradients_and_second_gradients_are_pytorchs(case):
    """All of the op table's comparison with PyTorch except the graph of the gradient itself."""
    G.compare_with_pytorch(case, gradient_graph=False)


@pytest.mark.parametrize("case", OWN_GRADIENT_GRAPH, ids=IDS)
def test_explained_formulas_give_what_the_nodes_return_here_and_in_pytorch(case):
    """explain()'s formula of each node: this core's nodes (of the result and of its gradient), and PyTorch's
    nodes of the result (its gradient's graph has nodes of its own, LU solvers, that explain() does not know)."""
    test_explain.test_formula_evaluates_to_what_the_node_returns(case)
    _, fn, _, _ = case
    out = fn(torch, *[make(torch, a) for a in arrays(case)])
    for node in test_explain.functions(out.grad_fn):
        ex = aw.explain(node)
        if ex.status == "described":  # AccumulateGrad
            continue
        assert ex.status == "known", ex.name
        grads = test_explain.torch_grads(node, torch)
        want = node(*grads)
        got = ex.evaluate(*grads)
        for key, w, (f, _) in zip(list(got), want if isinstance(want, tuple) else (want,), node.next_functions):
            if w is not None and f is not None:
                test_explain.assert_same(ex.name, key, got[key], w)


# --- values over shapes, dtypes and batches ---------------------------------------------------------------
def _rand(shape, seed, spd=False):
    a = np.random.default_rng(seed).standard_normal(shape)
    if spd:  # symmetric positive definite
        a = a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])
    return a


VALUES = [  # name, function of (T, *tensors), input shapes, inputs symmetric positive definite
    ("det", lambda T, a: T.linalg.det(a), [(3, 3)], False),
    ("det batch", lambda T, a: T.det(a), [(2, 4, 4)], False),
    ("det 1x1", lambda T, a: a.det(), [(1, 1)], False),
    ("inv", lambda T, a: T.linalg.inv(a), [(4, 4)], False),
    ("inverse batch", lambda T, a: T.inverse(a), [(3, 2, 2)], False),
    ("slogdet", lambda T, a: T.stack(list(T.linalg.slogdet(a))), [(2, 3, 3)], False),
    ("logdet", lambda T, a: T.logdet(a), [(3, 3)], True),
    ("solve", lambda T, a, b: T.linalg.solve(a, b), [(3, 3), (3, 2)], False),
    ("solve batch vector", lambda T, a, b: T.linalg.solve(a, b), [(2, 3, 3), (2, 3)], False),
    ("solve left=False", lambda T, a, b: T.linalg.solve(a, b, left=False), [(3, 3), (2, 3)], False),
    ("pinv", lambda T, a: T.linalg.pinv(a), [(2, 3, 5)], False),
    ("pinv atol", lambda T, a: T.linalg.pinv(a, atol=1.5), [(2, 3, 5)], False),
    ("pinv atol rtol", lambda T, a: T.linalg.pinv(a, atol=0.1, rtol=0.6), [(2, 4, 3)], False),
    ("pinv hermitian", lambda T, a: T.linalg.pinv(a + a.mT, hermitian=True), [(3, 3)], False),
    ("pinverse rcond", lambda T, a: T.pinverse(a, rcond=0.5), [(4, 3)], False),
    ("svdvals", lambda T, a: T.linalg.svdvals(a), [(2, 5, 3)], False),
    ("svd square", lambda T, a: T.cat([x.reshape(-1) for x in T.linalg.svd(a)]), [(3, 3)], False),
    ("svd reduced batch", lambda T, a: T.cat([x.reshape(-1) for x in T.linalg.svd(a, False)]), [(2, 3, 3)], False),
    ("torch.svd", lambda T, a: T.cat([x.reshape(-1) for x in T.svd(a)]), [(3, 3)], False),
    ("eigh", lambda T, a: T.cat([x.reshape(-1) for x in T.linalg.eigh(a)]), [(4, 4)], True),
    ("eigvalsh batch", lambda T, a: T.linalg.eigvalsh(a), [(2, 3, 3)], True),
    ("qr square", lambda T, a: T.cat([x.reshape(-1) for x in T.linalg.qr(a)]), [(3, 3)], False),
    ("qr complete", lambda T, a: T.cat([x.reshape(-1) for x in T.linalg.qr(a, mode="complete")]), [(4, 2)], False),
    ("cholesky", lambda T, a: T.linalg.cholesky(a), [(2, 3, 3)], True),
    ("cholesky upper", lambda T, a: T.linalg.cholesky(a, upper=True), [(3, 3)], True),
    ("matrix_power -3", lambda T, a: T.linalg.matrix_power(a, -3), [(3, 3)], False),
    ("matrix_power 0 batch", lambda T, a: a.matrix_power(0), [(2, 3, 3)], False),
    ("matrix_power 6 batch", lambda T, a: T.matrix_power(a, 6), [(2, 2, 2)], False),
    ("cross", lambda T, a, b: T.linalg.cross(a, b, dim=0), [(3, 4), (3, 1)], False),
    ("trace", lambda T, a: a.trace(), [(4, 2)], False),
    ("diag 2", lambda T, a: T.diag(a, 2), [(3,)], False),
    ("diag -1 of matrix", lambda T, a: T.diag(a, -1), [(4, 3)], False),
    ("diagonal", lambda T, a: T.linalg.diagonal(a, offset=1), [(2, 3, 4)], False),
    ("diag_embed", lambda T, a: T.diag_embed(a, 1, 0, 2), [(2, 3)], False),
    ("addmm", lambda T, c, a, b: c.addmm(a, b, beta=0, alpha=0.5), [(3, 1), (3, 2), (2, 4)], False),
    ("addmv", lambda T, c, a, v: T.addmv(c, a, v, beta=2), [(3,), (3, 2), (2,)], False),
    ("baddbmm", lambda T, c, a, b: T.baddbmm(c, a, b), [(1, 4), (2, 3, 2), (2, 2, 4)], False),
    ("vdot", lambda T, a, b: T.vdot(a, b), [(4,), (4,)], False),
    ("inner vectors", lambda T, a, b: T.inner(a, b), [(4,), (4,)], False),
    ("inner 3d", lambda T, a, b: T.inner(a, b), [(2, 3, 4), (5, 4)], False),
    ("kron", lambda T, a, b: T.kron(a, b), [(2, 1, 3), (2, 2)], False),
    ("tensordot int", lambda T, a, b: T.tensordot(a, b, dims=2), [(2, 3, 4), (3, 4, 2)], False),
    ("multi_dot", lambda T, a, b, c, d: T.linalg.multi_dot([a, b, c, d]), [(5, 2), (2, 6), (6, 3), (3,)], False),
    ("vecdot batch", lambda T, a, b: T.linalg.vecdot(a, b), [(2, 3), (3,)], False),
    ("linalg.norm", lambda T, a: T.linalg.norm(a, dim=(0, 2)), [(3, 2, 4)], False),
    ("linalg.norm vector ord", lambda T, a: T.linalg.norm(a, -1), [(5,)], False),
    ("linalg.norm matrix ord", lambda T, a: T.linalg.norm(a, float("inf")), [(3, 4)], False),
    ("matrix_norm nuc keepdim", lambda T, a: T.linalg.matrix_norm(a, "nuc", keepdim=True), [(2, 3, 4)], False),
    ("matrix_norm 2 dims", lambda T, a: T.linalg.matrix_norm(a, 2, dim=(0, 2)), [(3, 2, 4)], False),
    ("matrix_norm -2", lambda T, a: T.linalg.matrix_norm(a, -2), [(3, 3)], False),
    ("matrix_norm 1", lambda T, a: T.linalg.matrix_norm(a, 1), [(2, 3, 3)], False),
    ("matrix_norm -1 keepdim", lambda T, a: T.linalg.matrix_norm(a, -1, keepdim=True), [(2, 3, 3)], False),
    ("vector_norm", lambda T, a: T.linalg.vector_norm(a, 0.5, dim=-1, keepdim=True), [(2, 3)], False),
    ("cond", lambda T, a: T.linalg.cond(a), [(2, 3, 3)], False),
    ("lstsq", lambda T, a, b: T.linalg.lstsq(a, b).solution, [(2, 5, 3), (2, 5, 2)], False),
    ("lstsq wide", lambda T, a, b: T.linalg.lstsq(a, b)[0], [(3, 5), (3,)], False),
    ("lstsq rank", lambda T, a, b: T.linalg.lstsq(a[..., :1] @ a[..., :1, :], b).rank, [(2, 3, 3), (2, 3, 1)], False),
    ("cond -2", lambda T, a: T.linalg.cond(a, -2), [(3, 4)], False),
    ("cond fro", lambda T, a: T.linalg.cond(a, "fro"), [(3, 3)], False),
    ("matrix_rank", lambda T, a: T.linalg.matrix_rank(a[..., :2] @ a[..., :2, :]), [(2, 3, 3)], False),
    ("matrix_rank atol", lambda T, a: T.linalg.matrix_rank(a, atol=1.0, rtol=0.0), [(4, 3)], False),
    ("matrix_rank tol", lambda T, a: T.linalg.matrix_rank(a, tol=0.5), [(3, 3)], False),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", VALUES, ids=[c[0] for c in VALUES])
def test_values_and_dtypes_are_pytorchs(case, dtype):
    name, fn, shapes, spd = case
    xs = [_rand(s, 7 + i, spd) for i, s in enumerate(shapes)]
    got, want = (fn(T, *[T.tensor(x, dtype=getattr(T, dtype)) for x in xs]) for T in (aw, torch))
    assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
    tol = 2e-4 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=tol, atol=tol, equal_nan=False)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 2), (2, 2, 4), (3, 3)])
def test_svd_agrees_with_pytorch_up_to_the_signs_of_singular_vector_pairs(shape, dtype):
    """Known difference: PyTorch's LAPACK (MKL) and NumPy's may flip a pair (u_i, v_i) together, mostly for
    tall matrices; the tutorial's 2 x 2 example, and the square and wide ones above, come out the same."""
    a = _rand(shape, 3)
    (u1, s1, vh1), (u2, s2, vh2) = (T.linalg.svd(T.tensor(a, dtype=getattr(T, dtype)), full_matrices=False)
                                    for T in (aw, torch))
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(s1.numpy(), s2.numpy(), rtol=tol)
    signs = np.sign(np.sum(u1.numpy() * u2.numpy(), axis=-2))  # +1 or -1 per pair
    np.testing.assert_allclose(u1.numpy() * signs[..., None, :], u2.numpy(), atol=tol)
    np.testing.assert_allclose(vh1.numpy() * signs[..., :, None], vh2.numpy(), atol=tol)


# --- what the tutorials print ------------------------------------------------------------------------------
def _tutorial(T):
    """The linalg lines of PyTorch's tensors_deeper tutorial (both versions), printed."""
    T.manual_seed(1729)
    v1 = T.tensor([1., 0., 0.])
    v2 = T.tensor([0., 1., 0.])
    m1 = T.rand(2, 2)
    m2 = T.tensor([[3., 0.], [0., 3.]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lines = [T.cross(v2, v1), T.linalg.cross(v2, v1), m1]
    m3 = T.linalg.matmul(m1, m2)
    lines += [m3, T.matmul(m1, m2), T.svd(m3), T.linalg.svd(m3), T.det(m3), T.linalg.inv(m3), T.linalg.norm(m3),
              T.linalg.slogdet(m3), T.linalg.eigh(m3 @ m3.T), T.linalg.qr(m3), T.linalg.inv_ex(m3), T.trace(m3),
              T.diag(m3), T.diag(v2), T.linalg.solve(m3, v1[:2])]
    return "\n".join(repr(x) for x in lines)


def test_the_tutorials_linalg_lines_print_what_pytorch_prints():
    assert _tutorial(aw) == _tutorial(torch)


def test_lstsq_prints_pytorchs_named_tuple_with_gelsys_empty_fields():
    a, b = [[1., 1.], [1., 2.], [1., 3.]], [[1.], [2.], [2.]]
    got, want = (repr(T.linalg.lstsq(T.tensor(a, requires_grad=True), T.tensor(b))) for T in (aw, torch))
    assert got == want


def test_linalg_svd_prints_as_a_named_tuple_of_u_s_vh():
    text = repr(aw.linalg.svd(aw.tensor([[3., 0.], [0., 1.]])))
    assert text.startswith("torch.return_types.linalg_svd(\nU=tensor(") and "\nS=tensor([3., 1.]),\nVh=" in text
    u, s, vh = aw.linalg.svd(aw.eye(2))
    assert aw.linalg.svd(aw.eye(2)).Vh.shape == vh.shape and aw.svd(aw.eye(2)).V.shape == (2, 2)


def test_torch_linalg_is_a_module_both_ways_and_names_what_it_lacks():
    from autograd_widgets import linalg
    import autograd_widgets.linalg as by_path
    assert linalg is aw.linalg is by_path and callable(linalg.det)
    assert issubclass(aw.linalg.LinAlgError, RuntimeError)
    with pytest.raises(AttributeError, match="does not support 'torch.linalg.matrix_exp'"):
        aw.linalg.matrix_exp


def test_linalg_functions_write_into_out_as_pytorchs():
    a = [[2., 1.], [1., 3.]]
    for T in (aw, torch):
        c = T.zeros(2, 2)
        d = T.linalg.matmul(T.ones(2, 3), T.ones(3, 2), out=c)
        assert d is c and c.tolist() == [[3., 3.], [3., 3.]]
        n = T.zeros(())
        assert T.linalg.det(T.tensor(a), out=n) is n and n.item() == pytest.approx(5.0)
        assert T.linalg.inv(T.tensor(a), out=c) is c
        np.testing.assert_allclose(c.numpy(), [[.6, -.2], [-.2, .4]], rtol=1e-6)


@pytest.mark.parametrize("some,compute_uv", [(True, True), (False, True), (True, False)])
def test_old_svd_returns_v_and_its_shapes_as_pytorch(some, compute_uv):
    for shape in ((3, 3), (3, 5), (5, 3)):
        a = _rand(shape, 1)
        got, want = (T.svd(T.tensor(a), some=some, compute_uv=compute_uv) for T in (aw, torch))
        assert [tuple(g.shape) for g in got] == [tuple(w.shape) for w in want]
        np.testing.assert_allclose(got.S.numpy(), want.S.numpy(), atol=1e-12)
        np.testing.assert_allclose((got.U[:, :3] * got.S) @ got.V[:, :3].T, a if compute_uv else 0 * a, atol=1e-12)
        if shape == (3, 3):  # a square matrix's singular vectors come out as PyTorch's, signs too
            for g, w in zip(got, want):
                np.testing.assert_allclose(g.numpy(), w.numpy(), atol=1e-12)
    assert type(got).__name__ == "svd" and got._fields == ("U", "S", "V")


# --- nodes of the results -----------------------------------------------------------------------------------
NODES = [  # function of (T, leaf), the leaf's shape
    (lambda T, a: T.svd(a)[2], (3, 4)),          # TransposeBackward0 over output 2 of LinalgSvdBackward0
    (lambda T, a: T.linalg.svd(a)[1], (4, 3)),
    (lambda T, a: T.linalg.svdvals(a), (3, 3)),
    (lambda T, a: T.linalg.inv_ex(a).inverse, (3, 3)),
    (lambda T, a: T.linalg.slogdet(a)[1], (3, 3)),
    (lambda T, a: T.linalg.matrix_power(a, 0), (3, 3)),  # CopyBackwards over a clone, as PyTorch
    (lambda T, a: T.linalg.matrix_power(a, 1), (3, 3)),
    (lambda T, a: T.linalg.matrix_power(a, -1), (3, 3)),
    (lambda T, a: T.linalg.multi_dot([a, a]), (3, 3)),
    (lambda T, a: T.linalg.multi_dot([a[0], a, a[:, 0]]), (3, 3)),
    (lambda T, a: T.inner(a[0], a[1]), (3, 3)),
    (lambda T, a: T.linalg.vecdot(a[0], a[1]), (3, 3)),
    (lambda T, a: T.linalg.norm(a, "fro"), (3, 3)),
    (lambda T, a: T.cholesky(a @ a.mT + T.eye(3, dtype=T.float64)), (3, 3)),
    (lambda T, a: T.linalg.diagonal(a), (2, 3, 3)),
    (lambda T, a: T.linalg.matrix_norm(a, "nuc", dim=(2, 0), keepdim=True), (2, 3, 4)),
    (lambda T, a: T.linalg.norm(a, dim=(0, 2), keepdim=True), (2, 3, 4)),
    (lambda T, a: T.linalg.cond(a), (3, 3)),
    (lambda T, a: T.linalg.matrix_norm(a, 2), (2, 3, 3)),            # AmaxBackward0 over the singular values
    (lambda T, a: T.linalg.matrix_norm(a, -2, keepdim=True), (3, 4)),
    (lambda T, a: T.linalg.matrix_norm(a, 1), (3, 4)),               # AmaxBackward0 over column sums
    (lambda T, a: T.linalg.matrix_norm(a, -math.inf, keepdim=True), (2, 3, 3)),
    (lambda T, a: T.linalg.norm(a, math.inf), (3, 3)),
]


@pytest.mark.parametrize("i", range(len(NODES)))
def test_nodes_and_edges_are_pytorchs(i):
    fn, shape = NODES[i]
    a = _rand(shape, i)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, want = (graph(fn(T, T.tensor(a, requires_grad=True)).grad_fn) for T in (aw, torch))
    assert got == want


def test_diagonal_is_a_view_writes_show_in_the_base():
    results = []
    for T in (aw, torch):
        a = T.zeros(3, 4)
        d = a.diagonal(1)
        d[1] = 5.0
        T.diagonal(a, -1, 0, 1).fill_(2.0)
        T.diagonal(a, -2, 1, 0).fill_(3.0)  # dims swapped
        assert d._base is a and a._version == 3
        results.append(a.tolist())
    assert results[0] == results[1]
    assert results[0][1][2] == 5.0 and results[0][1][0] == 2.0


def test_diag_of_a_matrix_is_a_copy_and_diag_of_a_vector_a_new_matrix():
    a = aw.ones(2, 2)
    d = aw.diag(a)
    d[0] = 7.0
    assert a[0, 0].item() == 1.0 and d._base is None


def test_in_place_change_of_a_diagonal_view_reaches_the_leaf_gradient_as_in_pytorch():
    grads = []
    for T in (aw, torch):
        x = T.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        y = x * 1
        y.diagonal().mul_(3)
        y.sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1] == [[3., 1.], [1., 3.]]


# --- gradients that need care ---------------------------------------------------------------------------------
SINGULAR = [[1., 2., 3.], [2., 4., 6.], [1., 0., 1.]]


def test_det_of_a_singular_matrix_gives_pytorchs_gradients_plain_and_under_create_graph():
    """PyTorch: a plain backward gives zeros; create_graph gives the cofactor matrix (from an SVD)."""
    for create_graph in (False, True):
        got, want = [], []
        for T, out in ((aw, got), (torch, want)):
            a = T.tensor(SINGULAR, dtype=T.float64, requires_grad=True)
            g, = T.autograd.grad(T.det(a), a, create_graph=create_graph)
            out.append(g.detach().numpy())
        np.testing.assert_allclose(got[0], want[0], atol=1e-12)
    cofactors = np.array([[4., 4., -4.], [-2., -2., 2.], [0., 0., 0.]])
    np.testing.assert_allclose(got[0], cofactors, atol=1e-12)


@pytest.mark.parametrize("fn", [lambda T, a: T.det(a), lambda T, a: T.linalg.inv(a).sum()], ids=["det", "inv"])
def test_double_backward_of_det_and_inv_matches_pytorch(fn):
    a = _rand((3, 3), 5) + 2 * np.eye(3)
    out = []
    for T in (aw, torch):
        x = T.tensor(a, requires_grad=True)
        g, = T.autograd.grad(fn(T, x), x, create_graph=True)
        h, = T.autograd.grad((g * g).sum(), x)
        out.append((g.detach().numpy(), h.numpy()))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-10)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-9)


def test_full_matrices_svd_gives_the_extra_singular_vectors_no_gradient_as_pytorch():
    a = _rand((2, 4), 2)
    weights = _rand((4, 4), 3)
    grads = []
    for T in (aw, torch):
        x = T.tensor(a, requires_grad=True)
        u, s, vh = T.linalg.svd(x)
        assert vh.shape == (4, 4)
        ((vh ** 2 * T.tensor(weights)).sum() + s.sum()).backward()  # squares: the same whatever the signs
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)


# --- PyTorch's errors -----------------------------------------------------------------------------------------
def _raised(T, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(T)
        except Exception as e:  # noqa: BLE001 - the point is which one
            return e
    raise AssertionError(f"{T.__name__}: no error")


ERRORS = [
    lambda T: T.linalg.det(T.ones(2, 3)),
    lambda T: T.det(T.ones(2, 3)),
    lambda T: T.linalg.inv(T.ones(3, 2)),
    lambda T: T.inverse(T.tensor([[1., 2.], [2., 4.]])),
    lambda T: T.linalg.inv(T.tensor([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]])),
    lambda T: T.linalg.inv(T.tensor([[0., 0.], [0., 1.]])),
    lambda T: T.linalg.solve(T.tensor([[1., 2.], [2., 4.]]), T.ones(2)),
    lambda T: T.linalg.solve(T.eye(2), T.ones(3)),
    lambda T: T.linalg.det(T.ones(2, 2, dtype=T.int64)),
    lambda T: T.linalg.inv(T.ones(2, 2, dtype=T.int64)),
    lambda T: T.linalg.svd(T.ones(2, 2, dtype=T.int64)),
    lambda T: T.linalg.det(T.ones(3)),
    lambda T: T.linalg.cross(T.ones(2), T.ones(2)),
    lambda T: T.linalg.cross(T.ones(2, 3), T.ones(3)),
    lambda T: T.linalg.cholesky(T.tensor([[1., 2.], [2., 1.]])),
    lambda T: T.trace(T.ones(2, 2, 2)),
    lambda T: T.diag(T.ones(2, 2, 2)),
    lambda T: T.linalg.matrix_power(T.ones(2, 3), 2),
    lambda T: T.linalg.norm(T.ones(3, dtype=T.int64)),
    lambda T: T.linalg.eigh(T.ones(2, 3)),
    lambda T: T.linalg.multi_dot([T.ones(2, 2)]),
    lambda T: T.diagonal(T.ones(2, 2), 0, 1, 1),
    lambda T: T.linalg.solve(T.eye(2), T.ones(2, dtype=T.float64)),
    lambda T: T.linalg.pinv(T.ones(2, 2, dtype=T.int64)),
    lambda T: T.addmm(T.ones(2, 2, dtype=T.float64), T.ones(2, 3), T.ones(3, 2)),
    lambda T: T.addmm(T.ones(2, 2), T.ones(2, 3, dtype=T.float64), T.ones(3, 2)),
    lambda T: T.addmm(T.ones(2, 2), T.ones(2, 4), T.ones(3, 2)),
    lambda T: T.addmv(T.ones(2, dtype=T.float64), T.ones(2, 3), T.ones(3)),
    lambda T: T.baddbmm(T.ones(1, 2, 2, dtype=T.float64), T.ones(1, 2, 3), T.ones(1, 3, 2)),
    lambda T: T.vdot(T.ones(2), T.ones(2, dtype=T.float64)),
    lambda T: T.linalg.lstsq(T.ones(3, 3), T.ones(4)),
    lambda T: T.linalg.lstsq(T.ones(3, 3), T.ones(3, 1, dtype=T.float64)),
    lambda T: T.linalg.lstsq(T.ones(3), T.ones(3)),
] + [  # float16: LAPACK has no such routines; PyTorch refuses in each kernel's words
    (lambda f: lambda T: f(T, T.ones(2, 2, dtype=T.float16)))(f) for f in (
        lambda T, h: T.linalg.det(h), lambda T, h: T.linalg.inv(h), lambda T, h: T.linalg.svd(h),
        lambda T, h: T.linalg.slogdet(h), lambda T, h: T.linalg.solve(h, h), lambda T, h: T.linalg.pinv(h),
        lambda T, h: T.linalg.eigh(h), lambda T, h: T.linalg.qr(h), lambda T, h: T.linalg.cholesky(h),
        lambda T, h: T.linalg.svdvals(h))
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_misuse_raises_pytorchs_exception_and_words_then_an_explanation(i):
    got, want = _raised(aw, ERRORS[i]), _raised(torch, ERRORS[i])
    assert type(got).__module__ + type(got).__qualname__ == type(want).__module__ + type(want).__qualname__
    assert str(got).startswith(str(want)), (str(got), str(want))
    assert "\n\n[autograd_widgets] " in str(got)


def test_singular_inverse_is_a_linalg_error_catchable_as_pytorchs():
    with pytest.raises(aw.linalg.LinAlgError, match="The diagonal element 2 is zero"):
        aw.linalg.inv(aw.zeros(2, 2) + 1)


# --- forms and keywords -----------------------------------------------------------------------------------------
def test_keywords_and_method_forms_as_pytorch():
    a, v = _rand((3, 3), 1), _rand((3,), 2)
    calls = [
        lambda T, A, x: T.diagonal(A, offset=1, dim1=1, dim2=0),
        lambda T, A, x: A.diag(diagonal=-1),
        lambda T, A, x: T.addmm(input=A, mat1=A, mat2=A, beta=2, alpha=3),
        lambda T, A, x: x.addmv(A, x, alpha=0.5),
        lambda T, A, x: T.cross(A, A.flip(0), dim=1),
        lambda T, A, x: T.tensordot(A, A, dims=([0], [1])),
        lambda T, A, x: A.kron(x),
        lambda T, A, x: x.inner(x),
        lambda T, A, x: A.inverse().det(),
        lambda T, A, x: A.slogdet().logabsdet,
        lambda T, A, x: A.pinverse(),
        lambda T, A, x: T.chain_matmul(A, A, A),
        lambda T, A, x: T.linalg.norm(A, ord=2, keepdim=True),
        lambda T, A, x: T.linalg.vector_norm(x, ord=math.inf),
    ]
    for call in calls:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got, want = (call(T, T.tensor(a), T.tensor(v)) for T in (aw, torch))
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, atol=1e-12)


def test_vector_norm_of_order_0_counts_nonzeros_and_gives_no_gradient_as_pytorch():
    out = []
    for T in (aw, torch):
        x = T.tensor([[0., 2., -3.], [0., 0., 1.]], requires_grad=True)
        n = T.linalg.vector_norm(x, 0, dim=1)
        n.sum().backward()
        out.append((n.tolist(), x.grad))
    assert out[0] == out[1] == ([2., 1.], None)


@pytest.mark.parametrize("expr", ["x.adjoint()", "b.adjoint()", "v.adjoint()", "x.mH", "b.mH", "x.H"])
def test_adjoints_are_transposes_with_pytorchs_node_and_refusals(expr):
    results = []
    for T in (aw, torch):
        x = T.ones(2, 3, requires_grad=True)
        b, v = T.ones(2, 2, 3), T.ones(3)
        try:
            out = eval(expr)
            results.append((tuple(out.shape), out.grad_fn.name() if out.grad_fn else None))
        except RuntimeError as e:
            results.append(str(e).split("\n\n")[0])
    assert results[0] == results[1]


@pytest.mark.parametrize("expr", ["y.addmm_(a, b, beta=0.5)", "y[0].addmv_(a, b[:, 0], alpha=2)",
                                  "y.unsqueeze(0).baddbmm_(a[None], b[None])"])
def test_in_place_products_record_pytorchs_graph_and_gradients(expr):
    results = []
    for T in (aw, torch):
        w, a, b = T.ones(2, 2, requires_grad=True), T.ones(2, 3, requires_grad=True), T.ones(3, 2)
        y = w * 2
        eval(expr)
        y.sum().backward()
        results.append((graph(y.grad_fn), y.tolist(), w.grad.tolist(), a.grad.tolist(), y._version))
    assert results[0] == results[1]


DEPRECATED = {"cross": "T.cross(T.ones(3), T.ones(3))", "chain_matmul": "T.chain_matmul(T.eye(2), T.eye(2))",
              "cholesky": "T.cholesky(T.eye(2))", "qr": "T.qr(T.eye(2))"}


def _first_warning(T, call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        eval(call)
    return str(caught[0].message).split(" (Triggered internally")[0].split("\n\n[autograd_widgets]")[0]


@pytest.fixture(scope="module")
def pytorch_deprecation_warnings():
    """PyTorch warns once per process (TORCH_WARN_ONCE): read its words in a fresh one."""
    script = ("import json, warnings, torch as T\n" + inspect.getsource(_first_warning) +
              f"print(json.dumps({{k: _first_warning(T, v) for k, v in {DEPRECATED!r}.items()}}))")
    return json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)


@pytest.mark.parametrize("name", DEPRECATED)
def test_deprecated_forms_warn_in_pytorchs_words(name, pytorch_deprecation_warnings):
    assert _first_warning(aw, DEPRECATED[name]) == pytorch_deprecation_warnings[name]
