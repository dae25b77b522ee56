"""Op-table rows (see op_cases.py for the row format): nn.functional's layers and activations (linear, conv2d,
max_pool2d, layer_norm, ...). Inputs that are not differentiated (indices, running statistics) are made inside
the row, on the device of the first input."""
from op_cases import ANY, AWAY, POS  # noqa: F401


def _F(T):
    return T.nn.functional


def _embedding(T, w):
    idx = T.tensor([[1, 0], [2, 1]], device=w.device)
    return _F(T).embedding(idx, w)  # padding_idx zeroes a gradient on purpose: tested against PyTorch elsewhere


def _batch_norm_eval(T, x, w, b):
    mean = T.tensor([0.1, -0.2, 0.3], dtype=T.float64, device=x.device)
    var = T.tensor([0.5, 1.5, 2.0], dtype=T.float64, device=x.device)
    return _F(T).batch_norm(x, mean, var, w, b, training=False)


def _batch_norm_running(T, x, w, b):
    mean, var = T.zeros(3, dtype=T.float64, device=x.device), T.ones(3, dtype=T.float64, device=x.device)
    return _F(T).batch_norm(x, mean, var, w, b, training=True, momentum=0.3)


CASES = [
    # name                  function                                                    shapes                     range
    ("F.linear",            lambda T, x, w, b: _F(T).linear(x, w, b),                   [(2, 3), (4, 3), (4,)],    ANY),
    ("F.linear weight",     lambda T, w, x, b: _F(T).linear(x, w, b),                   [(4, 3), (2, 3), (4,)],    ANY),
    ("F.linear no bias",    lambda T, x, w: _F(T).linear(x, w),                         [(2, 3), (4, 3)],          ANY),
    ("F.linear 1d",         lambda T, x, w, b: _F(T).linear(x, w, b),                   [(3,), (4, 3), (4,)],      ANY),
    ("F.linear 1d no bias", lambda T, x, w: _F(T).linear(x, w),                         [(3,), (4, 3)],            ANY),
    ("F.linear 3d",         lambda T, x, w, b: _F(T).linear(x, w, b),                   [(2, 2, 3), (4, 3), (4,)], ANY),
    ("F.linear 3d weight",  lambda T, w, x, b: _F(T).linear(x, w, b),                   [(4, 3), (2, 2, 3), (4,)], ANY),
    ("F.linear 3d no bias", lambda T, x, w: _F(T).linear(x, w),                         [(2, 2, 3), (4, 3)],       ANY),
    ("F.linear strided",    lambda T, x, w, b: _F(T).linear(x.transpose(0, 1), w, b),   [(2, 2, 3), (4, 3), (4,)], ANY),
    ("F.conv2d",            lambda T, x, w, b: _F(T).conv2d(x, w, b, padding=1),        [(2, 2, 5, 5), (3, 2, 3, 3), (3,)], ANY),
    ("F.conv2d weight",     lambda T, w, x, b: _F(T).conv2d(x, w, b, stride=2, dilation=(1, 2)),
                                                                                        [(3, 2, 2, 3), (1, 2, 6, 7), (3,)], ANY),
    ("F.conv2d bias",       lambda T, b, x, w: _F(T).conv2d(x, w, b, stride=(2, 1)),    [(3,), (1, 2, 5, 5), (3, 2, 3, 3)], ANY),
    ("F.conv2d groups same", lambda T, x, w: _F(T).conv2d(x, w, groups=2, padding="same"),
                                                                                        [(1, 4, 5, 5), (4, 2, 3, 3)], ANY),
    ("F.conv2d same even",  lambda T, x, w: _F(T).conv2d(x, w, padding="same"),         [(1, 1, 5, 5), (2, 1, 2, 4)], ANY),
    ("F.pad",               lambda T, x: _F(T).pad(x, (1, -1, 2, 0), value=0.5),        [(2, 3)],                  ANY),
    ("F.conv2d unbatched",  lambda T, x, w: _F(T).conv2d(x, w, padding="valid"),        [(2, 5, 5), (3, 2, 3, 3)], ANY),
    ("F.conv1d",            lambda T, x, w, b: _F(T).conv1d(x, w, b, stride=2, padding=2), [(2, 2, 7), (3, 2, 3), (3,)], ANY),
    ("F.max_pool2d",        lambda T, x: _F(T).max_pool2d(x, 2),                        [(1, 2, 4, 5)],            ANY),
    ("F.max_pool2d padded", lambda T, x: _F(T).max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), [(2, 2, 6, 5)], ANY),
    ("F.max_pool2d dilated", lambda T, x: _F(T).max_pool2d(x, 2, dilation=2),           [(2, 6, 5)],               ANY),
    ("F.max_pool1d",        lambda T, x: _F(T).max_pool1d(x, 2),                        [(1, 2, 5)],               ANY),
    ("F.avg_pool2d",        lambda T, x: _F(T).avg_pool2d(x, 2),                        [(1, 2, 4, 5)],            ANY),
    ("F.avg_pool2d padded", lambda T, x: _F(T).avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), [(1, 2, 6, 5)], ANY),
    ("F.avg_pool2d exclude pad", lambda T, x: _F(T).avg_pool2d(x, 2, padding=1, count_include_pad=False),
                                                                                        [(1, 2, 5, 5)],            ANY),
    ("F.adaptive_avg_pool2d", lambda T, x: _F(T).adaptive_avg_pool2d(x, (2, 3)),        [(1, 2, 5, 7)],            ANY),
    ("F.adaptive_avg_pool2d 1", lambda T, x: _F(T).adaptive_avg_pool2d(x, 1),           [(1, 2, 3, 4)],            ANY),
    ("F.layer_norm",        lambda T, x, w, b: _F(T).layer_norm(x, (3,), w, b),         [(2, 3), (3,), (3,)],      ANY),
    ("F.layer_norm weight", lambda T, w, x, b: _F(T).layer_norm(x, [3], w, b),          [(3,), (2, 3), (3,)],      ANY),
    ("F.layer_norm 2 dims", lambda T, x, w, b: _F(T).layer_norm(x, (2, 3), w, b, eps=1e-3), [(2, 2, 3), (2, 3), (2, 3)], ANY),
    ("F.layer_norm plain",  lambda T, x: _F(T).layer_norm(x, (4,)),                     [(3, 4)],                  ANY),
    ("F.batch_norm",        lambda T, x, w, b: _F(T).batch_norm(x, None, None, w, b, training=True), [(4, 3), (3,), (3,)], ANY),
    ("F.batch_norm weight", lambda T, w, x, b: _F(T).batch_norm(x, None, None, w, b, True), [(3,), (4, 3, 2), (3,)], ANY),
    ("F.batch_norm running", _batch_norm_running,                                       [(3, 3, 2, 2), (3,), (3,)], ANY),
    ("F.batch_norm eval",   _batch_norm_eval,                                           [(4, 3), (3,), (3,)],      ANY),
    ("F.batch_norm eval weight", lambda T, w, x, b: _batch_norm_eval(T, x, w, b),       [(3,), (4, 3), (3,)],      ANY),
    ("F.embedding",         _embedding,                                                 [(3, 4)],                  ANY),
    ("F.dropout eval",      lambda T, x: _F(T).dropout(x * 2, 0.3, training=False),     [(3,)],                    ANY),
    ("F.dropout p=1",       lambda T, x: _F(T).dropout(x, 1.0),                         [(3,)],                    ANY),
    ("F.softmin",           lambda T, x: _F(T).softmin(x, dim=0),                       [(3, 2)],                  ANY),
    ("F.log_softmax dtype", lambda T, x: _F(T).log_softmax(x, 1, dtype=T.float64),      [(2, 3)],                  ANY),
    ("F.gelu",              lambda T, x: _F(T).gelu(x),                                 [(5,)],                    ANY),
    ("F.gelu tanh",         lambda T, x: _F(T).gelu(x, approximate="tanh"),             [(5,)],                    ANY),
    ("F.leaky_relu",        lambda T, x: _F(T).leaky_relu(x, 0.2),                      [(5,)],                    AWAY),
    ("F.leaky_relu inplace", lambda T, x: _F(T).leaky_relu(x * 1, inplace=True),        [(5,)],                    AWAY),
    ("F.relu inplace",      lambda T, x: _F(T).relu(x * 1, inplace=True),               [(5,)],                    AWAY),
    ("F.elu",               lambda T, x: _F(T).elu(x, alpha=0.7),                       [(5,)],                    AWAY),
    ("F.elu inplace",       lambda T, x: _F(T).elu(x * 1, alpha=0.7, inplace=True),     [(5,)],                    AWAY),
    ("F.selu",              lambda T, x: _F(T).selu(x),                                 [(5,)],                    AWAY),
    ("F.selu inplace",      lambda T, x: _F(T).selu(x * 1, inplace=True),               [(5,)],                    AWAY),
    ("F.silu",              lambda T, x: _F(T).silu(x),                                 [(5,)],                    ANY),
    ("F.softplus",          lambda T, x: _F(T).softplus(x, beta=2, threshold=1.5),      [(5,)],                    AWAY),
    ("F.hardtanh",          lambda T, x: _F(T).hardtanh(x, -0.5, 0.6),                  [(5,)],                    AWAY),
    ("F.relu6",             lambda T, x: _F(T).relu6(x * 8),                            [(5,)],                    AWAY),
    ("lenet",               lambda T, x, w, v: _F(T).linear(_F(T).max_pool2d(_F(T).relu(_F(T).conv2d(x, w)), 2)
                                                            .flatten(1), v),            [(2, 1, 6, 6), (2, 1, 3, 3), (3, 8)], ANY),
]
