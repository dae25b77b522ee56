"""Op-table rows (see op_cases.py for the row format): torch.nn modules as learners stack them. Each row
builds its model afresh after torch.manual_seed(0), on the CPU (where PyTorch's generator gives the same
weights), in float64, then moves it to the input's device, so the whole graph, parameters included,
is compared with PyTorch's."""
from op_cases import ANY


def _model(T, x, make):
    T.manual_seed(0)
    return make(T.nn).double().to(x.device)


def _mlp(T, x):
    return _model(T, x, lambda nn: nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)))(x)


def _lenet(T, x):
    return _model(T, x, lambda nn: nn.Sequential(nn.Conv2d(1, 2, 3), nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(),
                                                 nn.Linear(8, 3), nn.LogSoftmax(dim=1)))(x)


def _batch_norm(T, x):
    return _model(T, x, lambda nn: nn.Sequential(nn.BatchNorm1d(3), nn.GELU()))(x)


def _layer_norm(T, x):
    return _model(T, x, lambda nn: nn.Sequential(nn.LayerNorm(4), nn.Dropout(0.5).eval(), nn.Sigmoid()))(x)


def _classifier_loss(T, x):
    target = T.tensor([0, 2], device=x.device)
    return T.nn.CrossEntropyLoss()(_model(T, x, lambda nn: nn.Linear(4, 3))(x), target)


def _backward_hook(T, x):
    m = _model(T, x, lambda nn: nn.Linear(3, 2))
    m.register_full_backward_hook(lambda mod, grad_input, grad_output: None)
    return m(x)


CASES = [
    # name                      function            shapes            range
    ("nn.Sequential MLP",       _mlp,               [(2, 3)],         ANY),
    ("nn LeNet-like",           _lenet,             [(1, 1, 6, 6)],   ANY),
    ("nn.BatchNorm1d + GELU",   _batch_norm,        [(4, 3)],         ANY),
    ("nn.LayerNorm + Sigmoid",  _layer_norm,        [(2, 4)],         ANY),
    ("nn.CrossEntropyLoss",     _classifier_loss,   [(2, 4)],         ANY),
    ("nn backward hook",        _backward_hook,     [(2, 3)],         ANY),
]
