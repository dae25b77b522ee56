"""Op-table rows (see op_cases.py for the row format): tensor ops tutorials use: clamp, in-place unary ops, comparisons, ..."""
from op_cases import ANY, AWAY, POS  # noqa: F401

UNIT = (0.1, 0.8)  # inside (-1, 1) with random sign below: asin, acos


def _exp_in_place(T, x):
    y = x * 1
    y.exp_()  # ExpBackward0 saves the result: y itself
    return y * 2


def _in_place_chain(T, x):
    y = x * 1
    y.sin_().square_()
    y.clamp_(0.1, 0.5)
    return y.sigmoid_()  # saves its result: nothing may change y after it


def _clamp_tensor_bounds(T, x, lo):
    return T.clamp(x, lo - 0.1, lo + 0.1)


def _sorted_pairs(T, x):
    values, indices = x.sort(dim=1, descending=True)
    return values * T.tensor(2.0, dtype=T.float64) + x.topk(2, dim=1).values.sum()


CASES = [
    # name                 function                                                shapes              range
    ("clamp numbers",      lambda T, x: x.clamp(-0.5, 0.5),                        [(6,)],             AWAY),
    ("clamp min only",     lambda T, x: T.clamp(x, min=0.5),                       [(6,)],             AWAY),
    ("clip max only",      lambda T, x: x.clip(max=0.5),                           [(6,)],             AWAY),
    ("clamp tensors",      _clamp_tensor_bounds,                                   [(6,), (6,)],       ANY),
    ("clamp tensor min",   lambda T, x, m: x.clamp(min=m + 0.25),                  [(2, 3), (3,)],     ANY),
    ("clamp_min",          lambda T, x: x.clamp_min(0.5),                          [(6,)],             AWAY),
    ("clamp_max",          lambda T, x: T.clamp_max(x, 0.5),                       [(6,)],             AWAY),
    ("clamp_min tensor",   lambda T, x, m: x.clamp_min(m + 0.25),                  [(6,), (6,)],       ANY),
    ("clamp_max tensor",   lambda T, x, m: T.clamp_max(x, m + 0.25),               [(6,), (6,)],       ANY),
    ("maximum",            lambda T, x, y: T.maximum(x, y),                        [(2, 3), (3,)],     ANY),
    ("minimum",            lambda T, x, y: T.minimum(x, y + 0.1),                  [(3,), (3,)],       ANY),
    ("square",             lambda T, x: x.square(),                                [(3,)],             ANY),
    ("log1p",              lambda T, x: T.log1p(x),                                [(3,)],             POS),
    ("expm1",              lambda T, x: x.expm1(),                                 [(3,)],             ANY),
    ("exp2",               lambda T, x: T.exp2(x),                                 [(3,)],             ANY),
    ("log2",               lambda T, x: x.log2(),                                  [(3,)],             POS),
    ("log10",              lambda T, x: T.log10(x),                                [(3,)],             POS),
    ("erf",                lambda T, x: x.erf(),                                   [(4,)],             ANY),
    ("tan",                lambda T, x: x.tan(),                                   [(3,)],             ANY),
    ("rsqrt",              lambda T, x: T.rsqrt(x),                                [(3,)],             POS),
    ("asin",               lambda T, x: x.asin(),                                  [(3,)],             UNIT),
    ("acos",               lambda T, x: T.acos(x),                                 [(3,)],             UNIT),
    ("atan",               lambda T, x: x.arctan(),                                [(3,)],             ANY),
    ("sinh",               lambda T, x: x.sinh(),                                  [(3,)],             ANY),
    ("cosh",               lambda T, x: T.cosh(x),                                 [(3,)],             ANY),
    ("frac",               lambda T, x: (x * 3).frac(),                            [(4,)],             AWAY),
    ("remainder tensors",  lambda T, x, y: x % (y + 3.0) * x,                      [(2, 3), (3,)],     AWAY),
    ("remainder number",   lambda T, x: T.remainder(x, 1.5) * x + x % -1.5,        [(6,)],             AWAY),
    ("fmod tensors",       lambda T, x, y: T.fmod(x, y + 3.0) * x,                 [(2, 3), (3,)],     AWAY),
    ("fmod number",        lambda T, x: x.fmod(1.5) * x,                           [(6,)],             AWAY),
    ("div rounding_mode",  lambda T, x, y: T.div(x, y + 3.0, rounding_mode="floor") * x
                           + x.div(1.5, rounding_mode="trunc"),                    [(2, 3), (3,)],     AWAY),
    ("scatter src",        lambda T, x, s: x.scatter(1, T.tensor([[2, 0], [1, 2]], device=x.device), s) * x, [(2, 3), (2, 2)], ANY),
    ("scatter value",      lambda T, x: T.scatter(x, 0, T.tensor([[1, 0, 1]], device=x.device), 0.5) * x, [(2, 3)],        ANY),
    ("gather corner",      lambda T, x: T.gather(x, 1, T.tensor([[2, 0]], device=x.device)),        [(2, 3)],           ANY),
    ("masked_fill",        lambda T, x: x.masked_fill(x > 0, 0.5) * x,             [(3, 4)],           AWAY),
    ("masked_select",      lambda T, x, y: T.masked_select(x, y > 0) * 2,          [(3, 4), (4,)],     AWAY),
    ("tril triu",          lambda T, x: T.tril(x) * 2 + x.triu(1) * x,             [(3, 4)],           ANY),
    ("index_select",       lambda T, x: x.index_select(1, T.tensor([0, 2, 0], device=x.device)) * x[:, :3], [(3, 4)],   ANY),
    ("index_fill",         lambda T, x: x.index_fill(1, T.tensor([0, 2], device=x.device), -1.0) * x, [(3, 4)],    ANY),
    ("index_fill value",   lambda T, x, v: x.index_fill(0, T.tensor([1, 1], device=x.device), v.sum()) * x,
                                                                                   [(3, 4), (2,)],     ANY),
    ("index_fill_ 0-d index", lambda T, x: (x * 1).index_fill_(-1, T.tensor(2, device=x.device), 0.5) * x,
                                                                                   [(3, 4)],           ANY),
    ("repeat",             lambda T, x: x.repeat(2, 1, 3) * 2,                     [(3, 2)],           ANY),
    ("floor ceil round",   lambda T, x: x.floor() + x.ceil() * x + T.round(x) + x.trunc(), [(4,)],     AWAY),
    ("var",                lambda T, x: x.var(),                                   [(5,)],             ANY),
    ("var dim biased",     lambda T, x: T.var(x, 1, unbiased=False),               [(2, 4)],           ANY),
    ("var correction",     lambda T, x: x.var(dim=0, correction=0, keepdim=True),  [(3, 2)],           ANY),
    ("std",                lambda T, x: x.std(),                                   [(5,)],             ANY),
    ("std dim keepdim",    lambda T, x: T.std(x, dim=1, keepdim=True),             [(2, 4)],           ANY),
    ("prod",               lambda T, x: x.prod(),                                  [(4,)],             AWAY),
    ("prod dim",           lambda T, x: T.prod(x, 1),                              [(2, 3)],           AWAY),
    ("logsumexp",          lambda T, x: T.logsumexp(x, dim=1),                     [(2, 3)],           ANY),
    ("logsumexp keepdim",  lambda T, x: x.logsumexp(0, keepdim=True),              [(3, 2)],           ANY),
    ("cumsum",             lambda T, x: x.cumsum(0),                               [(4,)],             ANY),
    ("cumsum dim 1",       lambda T, x: T.cumsum(x, dim=1),                        [(2, 3)],           ANY),
    ("flip",               lambda T, x: T.flip(x, [0]),                            [(3, 2)],           ANY),
    ("sort topk",          _sorted_pairs,                                          [(2, 4)],           ANY),
    ("gather",             lambda T, x: x.gather(1, T.tensor([[0, 0], [2, 1]], device=x.device)), [(2, 3)], ANY),
    ("outer",              lambda T, x, y: T.outer(x, y),                          [(3,), (2,)],       ANY),
    ("exp_ saves result",  _exp_in_place,                                          [(3,)],             ANY),
    ("in-place chain",     _in_place_chain,                                        [(5,)],             ANY),
    ("torch.relu_",        lambda T, x: T.relu_(x * 1),                            [(4,)],             AWAY),
    ("log_ sqrt_",         lambda T, x: (x * 1).log_().abs_().sqrt_(),             [(3,)],             POS),
    ("neg_ tanh_ recip_",  lambda T, x: (x + 2).neg_().tanh_() * (x + 2).reciprocal_(), [(3,)],       ANY),
    ("pow_ sign_",         lambda T, x: (x * 1).pow_(3) + (x * 1).sign_(),         [(3,)],             AWAY),
]
CASES += [
    ("norm dtype",         lambda T, x: T.norm(x, dim=0, dtype=T.float64),         [(3, 2)],           AWAY),
]
