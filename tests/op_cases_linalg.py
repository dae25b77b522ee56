"""Op-table rows (see op_cases.py for the row format): matrix functions and torch.linalg.

CASES: functions whose whole graph (of the result and of its gradient under create_graph) is PyTorch's;
the test suites that read the op table check them. OWN_GRADIENT_GRAPH: the rest, checked in test_linalg.py.
"""
from op_cases import ANY


def _square(T, a):
    """A well-conditioned square matrix from any square input (no singular or near-singular draws)."""
    return a + 3 * T.eye(a.shape[-1], dtype=T.float64, device=a.device)


CASES = [
    # name                 function                                                        shapes                      range
    ("trace",              lambda T, x: T.trace(x),                                        [(3, 4)],                   ANY),
    ("diag of vector",     lambda T, x: T.diag(x, 1),                                      [(3,)],                     ANY),
    ("diag of matrix",     lambda T, x: x.diag(-1),                                        [(3, 4)],                   ANY),
    ("diagonal",           lambda T, x: T.diagonal(x, 1) * 2,                              [(3, 4)],                   ANY),
    ("diagonal dims",      lambda T, x: x.diagonal(0, 0, 2) * 2,                           [(3, 2, 3)],                ANY),
    ("diag_embed",         lambda T, x: T.diag_embed(x, -1),                               [(2, 3)],                   ANY),
    ("diagflat",           lambda T, x: T.diagflat(x, 1),                                  [(2, 2)],                   ANY),
    ("diagflat method",    lambda T, x: x.diagflat(),                                      [(3,)],                     ANY),
    ("addmm",              lambda T, c, a, b: T.addmm(c, a, b, beta=0.5, alpha=2),         [(2, 2), (2, 3), (3, 2)],   ANY),
    ("addmm bias",         lambda T, c, a, b: c.addmm(a, b),                               [(2,), (2, 3), (3, 2)],     ANY),
    ("addmv",              lambda T, c, a, v: T.addmv(c, a, v, alpha=3),                   [(2,), (2, 3), (3,)],       ANY),
    ("baddbmm",            lambda T, c, a, b: T.baddbmm(c, a, b, beta=2),                  [(2, 2, 2), (2, 2, 3), (2, 3, 2)], ANY),
    ("vdot",               lambda T, x, y: T.vdot(x, y),                                   [(3,), (3,)],               ANY),
    ("inner",              lambda T, x, y: T.inner(x, y),                                  [(2, 3), (4, 3)],           ANY),
    ("kron",               lambda T, x, y: T.kron(x, y),                                   [(2, 3), (2, 2)],           ANY),
    ("tensordot",          lambda T, x, y: T.tensordot(x, y, dims=([1, 0], [0, 1])),       [(3, 4, 2), (4, 3)],        ANY),
    ("linalg.cross",       lambda T, x, y: T.linalg.cross(x, y),                           [(2, 3), (2, 3)],           ANY),
    ("cross dim",          lambda T, x, y: T.cross(x, y, dim=0),                           [(3, 2), (3, 1)],           ANY),
    ("multi_dot",          lambda T, x, y, z: T.linalg.multi_dot([x, y, z]),               [(3,), (3, 4), (4, 2)],     ANY),
    ("matrix_power 5",     lambda T, x: T.linalg.matrix_power(x, 5),                       [(3, 3)],                   ANY),
    ("inverse",            lambda T, x: _square(T, x).inverse(),                           [(3, 3)],                   ANY),
    ("solve matrix",       lambda T, a, b: T.linalg.solve(_square(T, a), b),               [(3, 3), (3, 2)],           ANY),
    ("pinv wide",          lambda T, x: T.linalg.pinv(x),                                  [(2, 4)],                   ANY),
    ("svdvals",            lambda T, x: T.linalg.svdvals(x),                               [(3, 4)],                   ANY),
    ("linalg.norm",        lambda T, x: T.linalg.norm(x),                                  [(3, 3)],                   ANY),
    ("vector_norm",        lambda T, x: T.linalg.vector_norm(x, 3, dim=1),                 [(3, 3)],                   ANY),
]

# The same checks, except that the gradient's own graph (under create_graph) is this engine's: PyTorch's
# backward for these calls LU and triangular solvers it records as nodes of their own (test_linalg.py).
OWN_GRADIENT_GRAPH = [
    ("det",                lambda T, x: T.det(_square(T, x)),                              [(3, 3)],                   ANY),
    ("linalg.det batch",   lambda T, x: T.linalg.det(_square(T, x)),                       [(2, 3, 3)],                ANY),
    ("linalg.inv batch",   lambda T, x: T.linalg.inv(_square(T, x)),                       [(2, 2, 2)],                ANY),
    ("slogdet",            lambda T, x: T.linalg.slogdet(_square(T, x)).logabsdet,         [(2, 3, 3)],                ANY),
    ("logdet",             lambda T, x: T.logdet(_square(T, x)),                           [(2, 3, 3)],                ANY),
    ("solve vector",       lambda T, a, b: T.linalg.solve(_square(T, a), b),               [(3, 3), (3,)],             ANY),
    ("pinverse tall",      lambda T, x: T.pinverse(x),                                     [(4, 2)],                   ANY),
    ("svd wide",           lambda T, x: T.linalg.svd(x, full_matrices=False)[0] * 2,       [(3, 4)],                   ANY),
    ("svd square",         lambda T, x: T.linalg.svd(x)[2] * 2,                            [(3, 3)],                   ANY),
    ("eigh",               lambda T, x: T.linalg.eigh(x + x.mT)[1] * 2,                    [(3, 3)],                   ANY),
    ("eigvalsh",           lambda T, x: T.linalg.eigvalsh(x + x.mT),                       [(3, 3)],                   ANY),
    ("qr",                 lambda T, x: T.linalg.qr(x)[0] * 2 + T.linalg.qr(x)[1][0, 0],   [(4, 3)],                   ANY),
    ("cholesky",           lambda T, x: T.linalg.cholesky(x @ x.mT + T.eye(3, dtype=T.float64, device=x.device)), [(3, 3)], ANY),
    ("matrix_norm nuc",    lambda T, x: T.linalg.matrix_norm(x, "nuc"),                    [(2, 3, 3)],                ANY),
    ("lstsq",              lambda T, a, b: T.linalg.lstsq(a, b).solution,                  [(4, 3), (4, 2)],           ANY),
    ("lstsq vector batch", lambda T, a, b: T.linalg.lstsq(a, b)[0],                        [(2, 4, 2), (2, 4)],        ANY),
]
