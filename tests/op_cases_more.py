"""Op-table rows (see op_cases.py for the row format): amax, median, cumprod, atan2, lerp, roll, meshgrid, ..."""
from op_cases import ANY, AWAY, POS  # noqa: F401

UNIT = (0.1, 0.8)  # inside (-1, 1) with random sign below: atanh


def _var_mean_both(T, x):
    var, mean = T.var_mean(x, 1)
    return var * 2 + mean


def _std_mean_both(T, x):
    std, mean = T.std_mean(x, dim=0, keepdim=True)
    return std * mean


def _aminmax_both(T, x):
    lo, hi = T.aminmax(x, dim=1)
    return lo * 3 + hi


def _meshgrid(T, x, y):
    gx, gy = T.meshgrid(x, y, indexing="xy")
    return gx * gy


CASES = [
    # name                 function                                                shapes              range
    ("amax",               lambda T, x: T.amax(x, 0),                              [(3, 4)],           ANY),
    ("amax dims keepdim",  lambda T, x: x.amax((0, 2), keepdim=True),              [(2, 3, 2)],        ANY),
    ("amin all",           lambda T, x: T.amin(x),                                 [(3, 4)],           ANY),
    ("aminmax",            _aminmax_both,                                          [(3, 4)],           ANY),
    ("median",             lambda T, x: T.median(x),                               [(3, 3)],           ANY),
    ("median dim",         lambda T, x: x.median(1).values,                        [(2, 5)],           ANY),
    ("nanmedian dim",      lambda T, x: T.nanmedian(x, 0, keepdim=True)[0],        [(3, 2)],           ANY),
    ("mode dim",           lambda T, x: T.mode(x.round(), 1)[0] * x.sum(),         [(2, 3)],           ANY),
    ("kthvalue",           lambda T, x: T.kthvalue(x, 2, 0).values,                [(4, 3)],           ANY),
    ("cumprod",            lambda T, x: T.cumprod(x, 1),                           [(2, 4)],           POS),
    ("cumprod method",     lambda T, x: x.cumprod(dim=0),                          [(3, 2)],           AWAY),
    ("cummax",             lambda T, x: T.cummax(x, 1)[0],                         [(2, 4)],           ANY),
    ("cummin",             lambda T, x: x.cummin(0).values,                        [(4, 2)],           ANY),
    ("logcumsumexp",       lambda T, x: T.logcumsumexp(x, 1),                      [(2, 4)],           ANY),
    ("var_mean",           _var_mean_both,                                         [(2, 4)],           ANY),
    ("std_mean",           _std_mean_both,                                         [(3, 2)],           ANY),
    ("nansum",             lambda T, x: T.nansum(x, 1),                            [(2, 3)],           ANY),
    ("nanmean",            lambda T, x: x.nanmean(),                               [(2, 3)],           ANY),
    ("atan2",              lambda T, x, y: T.atan2(x, y),                          [(2, 3), (3,)],     ANY),
    ("hypot",              lambda T, x, y: T.hypot(x, y),                          [(3,), (2, 3)],     AWAY),
    ("logaddexp",          lambda T, x, y: T.logaddexp(x, y),                      [(3,), (3,)],       ANY),
    ("fmax",               lambda T, x, y: T.fmax(x, y),                           [(2, 3), (3,)],     ANY),
    ("fmin",               lambda T, x, y: x.fmin(y),                              [(3,), (3,)],       ANY),
    ("lerp number",        lambda T, x, y: T.lerp(x, y, 0.3),                      [(3,), (2, 3)],     ANY),
    ("lerp tensor",        lambda T, x, y, w: x.lerp(y, w),                        [(3,), (3,), (3,)], ANY),
    ("addcmul",            lambda T, x, y, z: T.addcmul(x, y, z, value=2),         [(3,), (3,), (3,)], ANY),
    ("addcdiv",            lambda T, x, y, z: x.addcdiv(y, z, value=0.5),          [(3,), (3,), (3,)], POS),
    ("float_power",        lambda T, x: T.float_power(x, 2.5),                     [(3,)],             POS),
    ("xlogy",              lambda T, x, y: T.xlogy(x, y),                          [(3,), (3,)],       POS),
    ("asinh",              lambda T, x: T.asinh(x),                                [(3,)],             ANY),
    ("acosh",              lambda T, x: (x + 1).acosh(),                           [(3,)],             POS),
    ("atanh",              lambda T, x: T.arctanh(x),                              [(3,)],             UNIT),
    ("deg2rad",            lambda T, x: T.deg2rad(x),                              [(3,)],             ANY),
    ("rad2deg",            lambda T, x: x.rad2deg(),                               [(3,)],             ANY),
    ("nan_to_num",         lambda T, x: T.nan_to_num(x.log()),                     [(3,)],             POS),
    ("unfold overlapping", lambda T, x: x.unfold(1, 3, 1) * x.unfold(1, 3, 1),         [(2, 5)],           ANY),
    ("unfold patches",     lambda T, x: x.unfold(1, 2, 2).unfold(2, 2, 2),          [(3, 4, 4)],        ANY),
    ("unfold gaps",        lambda T, x: x.unfold(0, 2, 3).tanh(),                  [(8,)],             ANY),
    ("fill_diagonal_",     lambda T, x: (x * 2).fill_diagonal_(0.5) * x,           [(3, 3)],           ANY),
    ("fill_diagonal_ wrap", lambda T, x: (x * 1).fill_diagonal_(-1.0, wrap=True),  [(7, 2)],           ANY),
    ("roll",               lambda T, x: T.roll(x, 1, 0),                           [(3, 2)],           ANY),
    ("roll flat",          lambda T, x: x.roll(2),                                 [(2, 3)],           ANY),
    ("rot90",              lambda T, x: T.rot90(x, 1, (0, 1)),                     [(2, 3)],           ANY),
    ("flipud",             lambda T, x: T.flipud(x),                               [(2, 3)],           ANY),
    ("movedim",            lambda T, x: T.movedim(x, 0, -1),                       [(2, 3, 2)],        ANY),
    ("swapaxes",           lambda T, x: x.swapaxes(0, 1),                          [(2, 3)],           ANY),
    ("broadcast_to",       lambda T, x: T.broadcast_to(x, (2, 3)),                 [(3,)],             ANY),
    ("meshgrid xy",        _meshgrid,                                              [(3,), (2,)],       ANY),
    ("tile",               lambda T, x: T.tile(x, (2, 1)),                         [(2, 3)],           ANY),
    ("repeat_interleave",  lambda T, x: T.repeat_interleave(x, 2, dim=0),          [(2, 3)],           ANY),
    ("take_along_dim",     lambda T, x: T.take_along_dim(x, x.argsort(1), 1),      [(2, 3)],           ANY),
    ("atleast_3d",         lambda T, x: T.atleast_3d(x),                           [(3,)],             ANY),
    ("diff",               lambda T, x: T.diff(x, n=2),                            [(2, 4)],           ANY),
]


def _pieces(T, x):
    a, b, c = T.tensor_split(x, 3, dim=1)
    return T.cat([a * 2, b, c.sin()], 1)


CASES += [
    ("tensor_split",       _pieces,                                                [(2, 5)],           ANY),
    ("hsplit",             lambda T, x: T.hsplit(x, [1])[1] * x.sum(),             [(2, 3)],           ANY),
    ("dstack",             lambda T, x, y: T.dstack([x, y]),                       [(3,), (3,)],       ANY),
    ("column_stack",       lambda T, x, y: T.column_stack([x, y]),                 [(3,), (3, 2)],     ANY),
    ("cartesian_prod",     lambda T, x, y: T.cartesian_prod(x, y),                 [(3,), (2,)],       ANY),
    ("unflatten",          lambda T, x: T.unflatten(x, 1, (2, 2)),                 [(3, 4)],           ANY),
    ("take",               lambda T, x: T.take(x, T.tensor([0, 4, 4], device=x.device)) * x.sum(), [(2, 3)],           ANY),
    ("msort",              lambda T, x: T.msort(x),                                [(3, 2)],           ANY),
    ("scatter_add",        lambda T, x, y: T.scatter_add(x, 0, T.tensor([[0, 1, 0]], device=x.device), y) * y.sum(),
                                                                                   [(2, 3), (1, 3)],   ANY),
    ("index_add",          lambda T, x, y: x.index_add(0, T.tensor([0, 1, 0], device=x.device), y, alpha=2) * y.sum(),
                                                                                   [(2, 3), (3, 3)],   ANY),
    ("index_copy",         lambda T, x, y: T.index_copy(x, 0, T.tensor([1], device=x.device), y) * x.sum(),
                                                                                   [(2, 3), (1, 3)],   ANY),
]
CASES += [
    ("quantile",           lambda T, x: T.quantile(x, 0.3),                        [(5,)],             ANY),
    ("quantile dim",       lambda T, x: T.quantile(x, 0.4, dim=0, keepdim=True),   [(4, 3)],           ANY),
    ("quantile q vector",  lambda T, x: x.quantile(T.tensor([0.2, 0.7], dtype=T.float64, device=x.device), dim=1), [(2, 5)], ANY),
    ("nanquantile",        lambda T, x: T.nanquantile(x, 0.5, interpolation="midpoint"), [(2, 4)],     ANY),
]
CASES += [
    ("trapezoid dx",       lambda T, x: T.trapezoid(x, dx=0.5, dim=0),            [(4, 3)],           ANY),
    ("trapezoid x",        lambda T, y, x: T.trapezoid(y, x),                      [(2, 5), (5,)],     ANY),
    ("trapz",              lambda T, y, x: T.trapz(y, x) * y.sum(),                [(2, 5), (2, 5)],   ANY),
    ("cumulative_trapezoid", lambda T, x: T.cumulative_trapezoid(x),               [(2, 5)],           ANY),
    ("cov",                lambda T, x: T.cov(x),                                  [(3, 5)],           ANY),
    ("corrcoef",           lambda T, x: T.corrcoef(x),                             [(3, 5)],           ANY),
    ("corrcoef method",    lambda T, x: x.corrcoef(),                              [(2, 6)],           ANY),
    ("cov weights",        lambda T, x: x.cov(correction=0, aweights=T.tensor([1., 2, 1, 3], dtype=T.float64, device=x.device)),
                                                                                   [(2, 4)],           ANY),
]
CASES += [
    ("erfinv",             lambda T, x: T.erfinv(x),                               [(3,)],             UNIT),
    ("lgamma",             lambda T, x: T.lgamma(x),                               [(3,)],             POS),
    ("digamma",            lambda T, x: x.digamma(),                               [(3,)],             POS),
    ("polygamma",          lambda T, x: T.polygamma(2, x),                         [(3,)],             POS),
]
