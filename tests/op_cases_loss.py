"""Op-table rows (see op_cases.py for the row format): nn.functional's losses (cross_entropy, nll_loss, bce, ...)

Class-index targets and class weights are not differentiable inputs: each row builds them inside
its function, on the input's device.
"""
from op_cases import ANY, AWAY, POS  # noqa: F401

PROB = (0.1, 0.9)  # probabilities, away from the clamps at 0 and 1


def _idx(T, x, values):
    return T.tensor(values, device=x.device)


def _w(T, x, values):
    return T.tensor(values, dtype=x.dtype, device=x.device)


def F(T):
    return T.nn.functional


CASES = [
    # name                 function                                                           shapes          range
    ("l1_loss",            lambda T, x, y: F(T).l1_loss(x, y),                                [(2, 3), (2, 3)], ANY),
    ("l1_loss sum",        lambda T, x, y: F(T).l1_loss(x, y, reduction="sum"),               [(3,), (3,)],   ANY),
    ("l1_loss none",       lambda T, x, y: F(T).l1_loss(x, y, reduction="none"),              [(2, 2), (2, 2)], ANY),
    ("mse_loss weight",    lambda T, x, y: F(T).mse_loss(x, y, weight=_w(T, x, [[0.5, 2.0], [1.0, 1.5]])), [(2, 2), (2, 2)], ANY),
    ("l1_loss weight sum", lambda T, x, y: F(T).l1_loss(x, y, weight=_w(T, x, [0.5, 2.0, 1.0]), reduction="sum"),
                                                                                              [(3,), (3,)],   AWAY),
    ("huber_loss weight",  lambda T, x, y: F(T).huber_loss(x, y, weight=_w(T, x, [0.5, 2.0, 1.0])), [(3,), (3,)], ANY),
    ("smooth_l1_loss",     lambda T, x, y: F(T).smooth_l1_loss(x, y),                         [(2, 3), (2, 3)], ANY),
    ("smooth_l1 sum beta", lambda T, x, y: F(T).smooth_l1_loss(x, y, reduction="sum", beta=0.5), [(4,), (4,)], ANY),
    ("smooth_l1 none",     lambda T, x, y: F(T).smooth_l1_loss(x, y, reduction="none"),       [(2, 2), (2, 2)], ANY),
    ("smooth_l1 beta 0",   lambda T, x, y: F(T).smooth_l1_loss(x, y, beta=0.0),               [(3,), (3,)],   ANY),
    ("huber_loss",         lambda T, x, y: F(T).huber_loss(x, y),                             [(2, 3), (2, 3)], ANY),
    ("huber sum delta",    lambda T, x, y: F(T).huber_loss(x, y, reduction="sum", delta=0.5), [(4,), (4,)],   ANY),
    ("huber none",         lambda T, x, y: F(T).huber_loss(x, y, reduction="none"),           [(2, 2), (2, 2)], ANY),
    ("bce",                lambda T, x, y: F(T).binary_cross_entropy(x, y),                   [(2, 3), (2, 3)], PROB),
    ("bce weight sum",     lambda T, x, y: F(T).binary_cross_entropy(
                               x, y, weight=_w(T, x, [0.5, 2.0, 1.0]), reduction="sum"),      [(2, 3), (2, 3)], PROB),
    ("bce none",           lambda T, x, y: F(T).binary_cross_entropy(x, y, reduction="none"), [(4,), (4,)],   PROB),
    ("bce logits",         lambda T, x, y: F(T).binary_cross_entropy_with_logits(x, y),       [(2, 3), (2, 3)], PROB),
    ("bce logits pos_weight", lambda T, x, y: F(T).binary_cross_entropy_with_logits(
                               x * 4 - 2, y, pos_weight=_w(T, x, [3.0, 0.5, 1.0])),           [(2, 3), (2, 3)], PROB),
    ("bce logits weights sum", lambda T, x, y: F(T).binary_cross_entropy_with_logits(
                               x, y, weight=_w(T, x, [1.5, 0.5]).view(2, 1),
                               pos_weight=_w(T, x, [2.0, 1.0, 0.5]), reduction="sum"),        [(2, 3), (2, 3)], PROB),
    ("bce logits none",    lambda T, x, y: F(T).binary_cross_entropy_with_logits(x, y, reduction="none"), [(4,), (4,)], PROB),
    ("nll_loss",           lambda T, x: F(T).nll_loss(x, _idx(T, x, [0, 3, 1])),             [(3, 4)],       ANY),
    ("nll_loss weight sum", lambda T, x: F(T).nll_loss(x, _idx(T, x, [2, 0, 2]), weight=_w(T, x, [0.5, 2.0, 1.5]),
                                                       reduction="sum"),                      [(3, 3)],       ANY),
    ("nll_loss ignore",    lambda T, x: F(T).nll_loss(x, _idx(T, x, [1, -100, 0]),
                                                      weight=_w(T, x, [0.5, 2.0, 1.5])),      [(3, 3)],       ANY),
    ("nll_loss none",      lambda T, x: F(T).nll_loss(x, _idx(T, x, [1, 2]), reduction="none"), [(2, 3)],     ANY),
    ("nll_loss 1d",        lambda T, x: F(T).nll_loss(x, _idx(T, x, 2)),                      [(4,)],         ANY),
    ("nll_loss 3d",        lambda T, x: F(T).nll_loss(x, _idx(T, x, [[0, 2], [1, 1]])),       [(2, 3, 2)],    ANY),
    ("nll_loss 3d none",   lambda T, x: F(T).nll_loss(x, _idx(T, x, [[0, 2], [1, 1]]), reduction="none"), [(2, 3, 2)], ANY),
    ("nll_loss 4d",        lambda T, x: F(T).nll_loss(x, _idx(T, x, [[[0, 2], [1, 1]], [[2, 0], [1, 0]]])),
                                                                                              [(2, 3, 2, 2)], ANY),
    ("cross_entropy",      lambda T, x: F(T).cross_entropy(x, _idx(T, x, [0, 3, 1])),        [(3, 4)],       ANY),
    ("cross_entropy weight ignore", lambda T, x: F(T).cross_entropy(
                               x, _idx(T, x, [2, 1, -1]), weight=_w(T, x, [0.5, 2.0, 1.5]), ignore_index=-1),
                                                                                              [(3, 3)],       ANY),
    ("cross_entropy none", lambda T, x: F(T).cross_entropy(x, _idx(T, x, [0, 2]), reduction="none"), [(2, 3)], ANY),
    ("cross_entropy 1d",   lambda T, x: F(T).cross_entropy(x, _idx(T, x, 1)),                 [(3,)],         ANY),
    ("cross_entropy 4d",   lambda T, x: F(T).cross_entropy(x, _idx(T, x, [[[0, 2]], [[1, 0]]])), [(2, 3, 1, 2)], ANY),
    ("cross_entropy smoothing", lambda T, x: F(T).cross_entropy(
                               x, _idx(T, x, [0, 3, -100]), label_smoothing=0.1),             [(3, 4)],       ANY),
    ("cross_entropy smoothing weight sum", lambda T, x: F(T).cross_entropy(
                               x, _idx(T, x, [0, 2]), weight=_w(T, x, [0.5, 2.0, 1.5]), label_smoothing=0.2,
                               reduction="sum"),                                              [(2, 3)],       ANY),
    ("cross_entropy smoothing weight", lambda T, x: F(T).cross_entropy(
                               x, _idx(T, x, [0, 2, 1]), weight=_w(T, x, [0.5, 2.0, 1.5]), label_smoothing=0.2),
                                                                                              [(3, 3)],       ANY),
    ("cross_entropy smoothing none", lambda T, x: F(T).cross_entropy(
                               x, _idx(T, x, [1, 0]), label_smoothing=0.3, reduction="none"), [(2, 3)],       ANY),
    ("cross_entropy probs", lambda T, x, p: F(T).cross_entropy(x, p),                         [(2, 3), (2, 3)], PROB),
    ("cross_entropy probs none", lambda T, x, p: F(T).cross_entropy(x, p, reduction="none"),  [(2, 3), (2, 3)], PROB),
    ("cross_entropy probs smoothing weight", lambda T, x, p: F(T).cross_entropy(
                               x, p, weight=_w(T, x, [0.5, 2.0, 1.5]), label_smoothing=0.2),  [(2, 3), (2, 3)], PROB),
    ("cross_entropy probs 1d sum", lambda T, x, p: F(T).cross_entropy(x, p, reduction="sum"), [(3,), (3,)],   PROB),
    ("kl_div batchmean",   lambda T, x, p: F(T).kl_div(x, p, reduction="batchmean"),          [(2, 3), (2, 3)], PROB),
    ("kl_div none",        lambda T, x, p: F(T).kl_div(x, p, reduction="none"),               [(2, 3), (2, 3)], PROB),
    ("kl_div log_target sum", lambda T, x, y: F(T).kl_div(x, y, reduction="sum", log_target=True), [(2, 3), (2, 3)], ANY),
    ("soft_margin_loss",   lambda T, x: F(T).soft_margin_loss(x, _w(T, x, [1.0, -1.0, -1.0])),  [(2, 3)],       ANY),
    ("soft_margin_loss none", lambda T, x: F(T).soft_margin_loss(x, _w(T, x, [[1.0], [-1.0]]), reduction="none"),
                                                                                              [(2, 3)],       ANY),
    ("cosine_similarity",  lambda T, x, y: F(T).cosine_similarity(x, y),                      [(2, 3), (2, 3)], ANY),
    ("cosine_similarity dim 0 broadcast", lambda T, x, y: F(T).cosine_similarity(x, y, dim=0), [(3, 2), (3, 1)], AWAY),
]
