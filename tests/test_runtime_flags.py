"""torch.backends, deterministic algorithms, matmul precision, torch.compile and torch.dtype: what training
scripts ask or set before they start, answered as PyTorch's CPU build answers on a machine without a GPU."""
import warnings

import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")


def _answers(T):
    b = T.backends
    return (b.mps.is_available(), b.mps.is_built(), b.cudnn.is_available(), b.cudnn.enabled, b.cudnn.benchmark,
            b.cudnn.deterministic, T.are_deterministic_algorithms_enabled(),
            T.is_deterministic_algorithms_warn_only_enabled(), T.get_float32_matmul_precision(),
            b.cpu.get_cpu_capability(), b.cuda.matmul.allow_tf32)


def test_answers_as_pytorch_cpu_build():
    if torch.cuda.is_available() or aw.cuda.is_available():
        pytest.skip("the answers compared are those of a machine without a GPU")
    assert _answers(aw) == _answers(torch)
    assert aw.backends.cuda.is_built() is False


def test_tutorial_device_line_and_flags_kept():
    device = ("cuda" if aw.cuda.is_available() else "mps" if aw.backends.mps.is_available() else "cpu")
    assert device == ("cuda" if aw.cuda.is_available() else "cpu")
    import autograd_widgets.backends.cudnn as cudnn
    before = cudnn.benchmark, cudnn.deterministic
    try:
        cudnn.benchmark, cudnn.deterministic = True, True
        assert aw.backends.cudnn.benchmark and aw.backends.cudnn.deterministic
    finally:
        cudnn.benchmark, cudnn.deterministic = before


def test_deterministic_switch_checked_as_pytorch():
    try:
        for T in (aw, torch):
            T.use_deterministic_algorithms(True, warn_only=True)
            assert T.are_deterministic_algorithms_enabled() and T.is_deterministic_algorithms_warn_only_enabled()
    finally:
        aw.use_deterministic_algorithms(False)
        torch.use_deterministic_algorithms(False)
    with pytest.raises(TypeError) as theirs:
        torch.use_deterministic_algorithms("yes")
    with pytest.raises(TypeError) as ours:
        aw.use_deterministic_algorithms("yes")
    assert str(ours.value).split("\n")[0] == str(theirs.value)


def test_matmul_precision_as_pytorch():
    def attempt(T, value):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            T.set_float32_matmul_precision(value)
        got = T.get_float32_matmul_precision()
        T.set_float32_matmul_precision("highest")
        return got, [str(w.message).split(" (Triggered")[0] for w in seen]
    for value in ("high", "medium", "highest", "fastest"):
        assert attempt(aw, value) == attempt(torch, value)


def test_compile_runs_the_model_as_written():
    model = aw.nn.Linear(3, 2)
    compiled = aw.compile(model, mode="reduce-overhead")
    x = aw.ones(4, 3)
    assert aw.equal(compiled(x), model(x))

    @aw.compile
    def f(x):
        return x.sin() * 2

    @aw.compile(fullgraph=True)
    def g(x):
        return x.sin() * 2
    assert aw.equal(f(x), g(x)) and aw.equal(f(x), x.sin() * 2)
    with pytest.raises(RuntimeError):
        aw.compile(3)


def test_dtype_is_the_class_of_dtypes():
    assert isinstance(aw.ones(2).dtype, aw.dtype) and isinstance(aw.int64, aw.dtype)
    assert not isinstance("float32", aw.dtype)
