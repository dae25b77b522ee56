"""Each nn layer and loss against PyTorch's: PyTorch's weights copied in, the same input, then the same
output, grad_fn name, gradients (input and parameters), buffers and repr. Also PyTorch's default
initialisation, value for value after the same torch.manual_seed."""
import numpy as np
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")

LAYERS = [  # (id, constructor of (nn, T), input shape)
    ("Linear", lambda nn, T: nn.Linear(4, 3), (2, 4)),
    ("Linear-nobias-3d", lambda nn, T: nn.Linear(4, 3, bias=False), (2, 5, 4)),
    ("Linear-1d", lambda nn, T: nn.Linear(4, 3), (4,)),
    ("Identity", lambda nn, T: nn.Identity(54, unused="x"), (2, 3)),
    ("Flatten", lambda nn, T: nn.Flatten(), (2, 3, 2, 2)),
    ("Flatten-0", lambda nn, T: nn.Flatten(0, 1), (2, 3, 2)),
    ("Unflatten", lambda nn, T: nn.Unflatten(1, (2, 3)), (2, 6)),
    ("ReLU", lambda nn, T: nn.ReLU(), (2, 5)),
    ("LeakyReLU", lambda nn, T: nn.LeakyReLU(0.2), (2, 5)),
    ("GELU", lambda nn, T: nn.GELU(), (2, 5)),
    ("GELU-tanh", lambda nn, T: nn.GELU(approximate="tanh"), (2, 5)),
    ("Tanh", lambda nn, T: nn.Tanh(), (2, 5)),
    ("Sigmoid", lambda nn, T: nn.Sigmoid(), (2, 5)),
    ("Softmax", lambda nn, T: nn.Softmax(dim=1), (2, 5)),
    ("LogSoftmax", lambda nn, T: nn.LogSoftmax(dim=-1), (2, 5)),
    ("ELU", lambda nn, T: nn.ELU(alpha=0.5), (2, 5)),
    ("Softplus", lambda nn, T: nn.Softplus(beta=2, threshold=1), (2, 5)),
    ("Hardtanh", lambda nn, T: nn.Hardtanh(-0.5, 0.8), (2, 5)),
    ("ReLU6", lambda nn, T: nn.ReLU6(), (2, 5)),
    ("SiLU", lambda nn, T: nn.SiLU(), (2, 5)),
    ("SELU", lambda nn, T: nn.SELU(), (2, 5)),
    ("Softmin", lambda nn, T: nn.Softmin(dim=0), (2, 5)),
    ("Dropout-eval", lambda nn, T: nn.Dropout(0.3).eval(), (2, 5)),
    ("Dropout2d-eval", lambda nn, T: nn.Dropout2d().eval(), (2, 3, 2, 2)),
    ("LayerNorm", lambda nn, T: nn.LayerNorm(5), (2, 3, 5)),
    ("LayerNorm-2d-nobias", lambda nn, T: nn.LayerNorm((3, 5), bias=False), (2, 3, 5)),
    ("BatchNorm1d", lambda nn, T: nn.BatchNorm1d(3), (4, 3)),
    ("BatchNorm1d-3d", lambda nn, T: nn.BatchNorm1d(3, momentum=None), (4, 3, 2)),
    ("BatchNorm1d-eval", lambda nn, T: nn.BatchNorm1d(3).eval(), (4, 3)),
    ("BatchNorm1d-nostats", lambda nn, T: nn.BatchNorm1d(3, affine=False, track_running_stats=False), (4, 3)),
    ("BatchNorm2d", lambda nn, T: nn.BatchNorm2d(2), (3, 2, 2, 2)),
    ("Conv2d", lambda nn, T: nn.Conv2d(2, 3, 3), (2, 2, 5, 5)),
    ("Conv2d-options", lambda nn, T: nn.Conv2d(2, 4, (3, 2), stride=2, padding=1, dilation=1, groups=2,
                                               bias=False), (1, 2, 6, 5)),
    ("Conv2d-same", lambda nn, T: nn.Conv2d(1, 2, 3, padding="same"), (1, 1, 4, 4)),
    ("Conv1d", lambda nn, T: nn.Conv1d(2, 3, 3, padding=1), (2, 2, 6)),
    ("MaxPool2d", lambda nn, T: nn.MaxPool2d(2), (1, 2, 4, 4)),
    ("MaxPool2d-options", lambda nn, T: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (1, 1, 6, 6)),
    ("MaxPool1d", lambda nn, T: nn.MaxPool1d(2), (1, 2, 6)),
    ("AvgPool2d", lambda nn, T: nn.AvgPool2d(2), (1, 2, 4, 4)),
    ("AvgPool2d-options", lambda nn, T: nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False), (1, 1, 4, 4)),
    ("AvgPool1d", lambda nn, T: nn.AvgPool1d(2), (1, 2, 6)),
    ("AdaptiveAvgPool2d", lambda nn, T: nn.AdaptiveAvgPool2d((2, 1)), (1, 2, 5, 3)),
    ("Sequential", lambda nn, T: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)), (3, 4)),
]


def copy_state(ours, theirs):
    """Load PyTorch's module state into ours (the same numbers, our tensors)."""
    ours.load_state_dict({k: aw.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})


def _check(ours, theirs, rtol=1e-5, atol=1e-6):
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    np.testing.assert_allclose(np.asarray(ours.detach()), theirs.detach().numpy(), rtol=rtol, atol=atol)


def _inputs(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.5, 1.5, size=shape).astype(np.float32)


def run_pair(make, args, differentiated=None):
    """(ours, theirs, our args, their args, our output, their output) for the module `make` builds applied to
    `args` (arrays); the first `differentiated` float args (default all) require grad."""
    torch.manual_seed(0)
    theirs = make(torch.nn, torch)
    ours = make(aw.nn, aw)
    copy_state(ours, theirs)
    ours.train(theirs.training)
    grad = [a.dtype.kind == "f" and (differentiated is None or i < differentiated) for i, a in enumerate(args)]
    a_args = [aw.tensor(a, requires_grad=g) for a, g in zip(args, grad)]
    t_args = [torch.tensor(a, requires_grad=g) for a, g in zip(args, grad)]
    return ours, theirs, a_args, t_args, ours(*a_args), theirs(*t_args)


def compare(ours, theirs, a_args, t_args, y_a, y_t):
    assert repr(ours) == repr(theirs)
    _check(y_a, y_t)
    assert type(y_a.grad_fn).__name__ == type(y_t.grad_fn).__name__
    g = np.random.default_rng(1).uniform(-1, 1, size=tuple(y_t.shape)).astype(np.float32)
    y_a.backward(aw.tensor(g))
    y_t.backward(torch.tensor(g))
    for a, t in zip(a_args, t_args):
        if t.requires_grad:
            _check(a.grad, t.grad)
    for (name, p), (name_t, p_t) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == name_t
        _check(p.grad, p_t.grad)
    for (name, b), (name_t, b_t) in zip(ours.named_buffers(), theirs.named_buffers()):
        assert name == name_t
        _check(b, b_t)


@pytest.mark.parametrize("make,shape", [c[1:] for c in LAYERS], ids=[c[0] for c in LAYERS])
def test_layer_matches_pytorch(make, shape):
    compare(*run_pair(make, [_inputs(shape)]))


LOSSES = [  # (id, constructor, input shape, target maker(rng))
    ("MSELoss", lambda nn, T: nn.MSELoss(), (3, 4), lambda r: r.normal(size=(3, 4)).astype(np.float32)),
    ("MSELoss-sum", lambda nn, T: nn.MSELoss(reduction="sum"), (3, 4), lambda r: r.normal(size=(3, 4)).astype(np.float32)),
    ("L1Loss-none", lambda nn, T: nn.L1Loss(reduction="none"), (3, 4), lambda r: r.normal(size=(3, 4)).astype(np.float32)),
    ("SmoothL1Loss", lambda nn, T: nn.SmoothL1Loss(beta=0.5), (3, 4), lambda r: r.normal(size=(3, 4)).astype(np.float32)),
    ("HuberLoss", lambda nn, T: nn.HuberLoss(delta=0.7), (3, 4), lambda r: r.normal(size=(3, 4)).astype(np.float32)),
    ("BCEWithLogitsLoss-pos_weight", lambda nn, T: nn.BCEWithLogitsLoss(pos_weight=T.tensor([1., 2., 0.5, 3.])),
     (3, 4), lambda r: r.uniform(size=(3, 4)).astype(np.float32)),
    ("CrossEntropyLoss", lambda nn, T: nn.CrossEntropyLoss(), (4, 5), lambda r: r.integers(0, 5, size=4)),
    ("CrossEntropyLoss-options", lambda nn, T: nn.CrossEntropyLoss(weight=T.tensor([1., 2., .5, 1., 3.]),
                                                                   ignore_index=2, label_smoothing=0.1),
     (4, 5), lambda r: np.array([0, 2, 4, 1])),
    ("CrossEntropyLoss-probs", lambda nn, T: nn.CrossEntropyLoss(), (4, 5),
     lambda r: r.dirichlet(np.ones(5), size=4).astype(np.float32)),
    ("NLLLoss", lambda nn, T: nn.NLLLoss(weight=T.tensor([1., 2., .5])), (4, 3), lambda r: r.integers(0, 3, size=4)),
    ("KLDivLoss", lambda nn, T: nn.KLDivLoss(reduction="batchmean"), (3, 4),
     lambda r: r.dirichlet(np.ones(4), size=3).astype(np.float32)),
    ("SoftMarginLoss", lambda nn, T: nn.SoftMarginLoss(), (3, 4), lambda r: r.choice([-1., 1.], size=(3, 4)).astype(np.float32)),
]


@pytest.mark.parametrize("make,shape,target", [c[1:] for c in LOSSES], ids=[c[0] for c in LOSSES])
def test_loss_matches_pytorch(make, shape, target):
    ours, theirs, a_args, t_args, y_a, y_t = run_pair(make, [_inputs(shape), target(np.random.default_rng(2))], 1)
    compare(ours, theirs, a_args[:1], t_args[:1], y_a, y_t)


def test_cosine_similarity_matches_pytorch():
    ours, theirs, a_args, t_args, y_a, y_t = run_pair(lambda nn, T: nn.CosineSimilarity(dim=0), [_inputs((4, 3)),
                                                                                             _inputs((4, 3), 1)])
    compare(ours, theirs, a_args, t_args, y_a, y_t)


def test_bce_loss_on_probabilities_matches_pytorch():
    p = np.random.default_rng(3).uniform(0.05, 0.95, size=(3, 4)).astype(np.float32)
    t = np.random.default_rng(4).uniform(size=(3, 4)).astype(np.float32)
    ours, theirs, a_args, t_args, y_a, y_t = run_pair(lambda nn, T: nn.BCELoss(), [p, t], 1)
    compare(ours, theirs, a_args[:1], t_args[:1], y_a, y_t)


def test_losses_print_and_keep_their_weights_as_buffers_as_pytorch():
    def program(T):
        nn = T.nn
        mods = [nn.MSELoss(), nn.L1Loss(reduction="sum"), nn.SmoothL1Loss(beta=0.5), nn.HuberLoss(delta=2.),
                nn.BCELoss(), nn.BCEWithLogitsLoss(pos_weight=T.ones(2)), nn.CrossEntropyLoss(label_smoothing=0.1),
                nn.NLLLoss(weight=T.ones(3)), nn.KLDivLoss(log_target=True), nn.SoftMarginLoss()]
        return [(repr(m), m.reduction, [n for n, _ in m.named_buffers()], list(m.state_dict())) for m in mods] + \
            [nn.CrossEntropyLoss().ignore_index, nn.NLLLoss().weight]
    assert program(aw) == program(torch)


def test_reprs_and_defaults_of_every_layer_match_pytorch():
    def program(T):
        nn = T.nn
        mods = [c[1](nn, T) for c in LAYERS] + [
            nn.Embedding(10, 3), nn.Embedding(10, 3, padding_idx=-1, max_norm=1.0, norm_type=1.,
                                              scale_grad_by_freq=True), nn.Dropout(0.2, inplace=True),
            nn.ReLU(inplace=True), nn.LeakyReLU(inplace=True), nn.ELU(inplace=True), nn.Softmax(),
            nn.BatchNorm2d(3, affine=False, track_running_stats=False), nn.LayerNorm(4, elementwise_affine=False),
            nn.Conv2d(1, 2, 3, padding_mode="reflect"), nn.ReLU6(inplace=True), nn.Hardtanh(-2, 2, True),
            nn.SiLU(inplace=True), nn.Dropout1d(0.1), nn.CosineSimilarity(0, 1e-6)]
        return [repr(m) for m in mods] + [list(m.state_dict()) for m in mods]
    assert program(aw) == program(torch)


def test_layer_argument_errors_match_pytorch():
    def program(T):
        nn = T.nn
        out = []
        for make in (lambda: nn.Conv2d(3, 4, 3, groups=2), lambda: nn.Conv2d(2, 3, 3, groups=2),
                     lambda: nn.Conv2d(2, 2, 3, stride=2, padding="same"), lambda: nn.Dropout(1.5),
                     lambda: nn.BatchNorm1d(3)(T.ones(2, 3, 4, 5)), lambda: nn.BatchNorm2d(3)(T.ones(2, 3)),
                     lambda: nn.HuberLoss(delta="1"), lambda: nn.Hardtanh(1, 1)):
            try:
                make()
                out.append("no error")
            except Exception as e:  # noqa: BLE001
                out.append(f"{type(e).__name__}: {str(e)}")
        for make in (lambda: nn.Conv2d(2, 2, 3, padding="full"), lambda: nn.Conv2d(2, 2, 3, padding_mode="wrap")):
            with pytest.raises(ValueError) as e:  # the message prints a set: its order varies from run to run
                make()
            out.append(str(e.value).split("{")[0])
        return out
    assert program(aw) == program(torch)


def test_embedding_matches_pytorch_and_zeroes_its_padding_row():
    idx = np.array([[1, 2, 4], [4, 3, 1]])
    for make in (lambda nn, T: nn.Embedding(5, 3), lambda nn, T: nn.Embedding(5, 3, padding_idx=1),
                 lambda nn, T: nn.Embedding.from_pretrained(T.arange(15.).reshape(5, 3), freeze=False)):
        ours, theirs, a_args, t_args, y_a, y_t = run_pair(make, [idx])
        compare(ours, theirs, [], [], y_a, y_t)
    torch.manual_seed(3)
    aw.manual_seed(3)
    t, a = torch.nn.Embedding(4, 2, padding_idx=2), aw.nn.Embedding(4, 2, padding_idx=2)
    assert a.weight[2].tolist() == [0.0, 0.0] and a.weight.tolist() == t.weight.tolist()
    frozen = aw.nn.Embedding.from_pretrained(aw.ones(2, 2))
    assert not frozen.weight.requires_grad and repr(frozen) == "Embedding(2, 2)"


def test_batchnorm_running_statistics_follow_pytorch_across_train_and_eval():
    x1, x2 = _inputs((6, 3), 5), _inputs((6, 3), 6)
    for momentum in (0.1, None):
        ours, theirs = aw.nn.BatchNorm1d(3, momentum=momentum), torch.nn.BatchNorm1d(3, momentum=momentum)
        for x in (x1, x2):
            ours(aw.tensor(x))
            theirs(torch.tensor(x))
        for (name, b), (_, b_t) in zip(ours.named_buffers(), theirs.named_buffers()):
            _check(b, b_t)
        assert ours.num_batches_tracked.item() == 2 and ours.num_batches_tracked.dtype == aw.int64
        ours.eval()
        theirs.eval()
        _check(ours(aw.tensor(x1)), theirs(torch.tensor(x1)))
        assert ours.num_batches_tracked.item() == 2  # eval leaves the statistics alone


def test_dropout_in_training_draws_pytorchs_mask():
    x = _inputs((4, 6))
    for p in (0.5, 0.2):
        torch.manual_seed(7)
        aw.manual_seed(7)
        y_t, y_a = torch.nn.Dropout(p)(torch.tensor(x)), aw.nn.Dropout(p)(aw.tensor(x))
        assert np.array_equal(np.asarray(y_a), y_t.numpy())


@pytest.mark.parametrize("make", [
    lambda nn: nn.Linear(5, 3), lambda nn: nn.Linear(1, 4, bias=False), lambda nn: nn.Conv2d(2, 4, 3),
    lambda nn: nn.Conv1d(3, 2, 2), lambda nn: nn.Embedding(6, 4), lambda nn: nn.LayerNorm(3),
    lambda nn: nn.BatchNorm1d(2),
    lambda nn: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)),
], ids=["Linear", "Linear-nobias", "Conv2d", "Conv1d", "Embedding", "LayerNorm", "BatchNorm1d", "Sequential"])
def test_default_initialisation_is_pytorchs_bit_for_bit(make):
    torch.manual_seed(0)
    aw.manual_seed(0)
    theirs, ours = make(torch.nn), make(aw.nn)
    for (name, p), (name_t, p_t) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert name == name_t
        assert np.array_equal(np.asarray(p), p_t.numpy()), name
    assert aw.rand(1).item() == torch.rand(1).item()  # the same number of draws was taken


@pytest.mark.parametrize("fill", [
    lambda init, w, g: init.uniform_(w, -0.3, 0.7, generator=g), lambda init, w, g: init.normal_(w, 1., 2., g),
    lambda init, w, g: init.xavier_uniform_(w, gain=2., generator=g), lambda init, w, g: init.xavier_normal_(w),
    lambda init, w, g: init.kaiming_uniform_(w, a=0.1, mode="fan_out", nonlinearity="relu", generator=g),
    lambda init, w, g: init.kaiming_normal_(w, generator=g),
    lambda init, w, g: init.trunc_normal_(w, 0.5, 1., -1., 1., generator=g),
    lambda init, w, g: init.trunc_normal_(w, 0.3, 0.2, 0.0, 0.35),  # a narrow window: the rejection sampler
], ids=["uniform_", "normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
        "trunc_normal_", "trunc_normal_-narrow"])
def test_random_init_functions_give_pytorchs_values(fill):
    def program(T):
        T.manual_seed(1)
        w = T.empty(4, 3, 2, dtype=T.float64)
        g = T.Generator().manual_seed(5)
        out = fill(T.nn.init, w, g)
        return np.asarray(out).tobytes(), out is w, T.rand(1).item()
    assert program(aw) == program(torch)
