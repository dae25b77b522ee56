"""Each learner's example (shared/seeds) gives what PyTorch 2.13 prints.

The expected lines below were printed by PyTorch 2.13.0 running tests/seed_programs.py; where
the articles (written for older PyTorch, or simply mistaken) print something else, the
comment says what and why.
"""
import warnings

import pytest

import autograd_widgets as aw
from seed_programs import PROGRAMS

M = "Mismatch in shape: grad_output[0] has a shape of torch.Size([2, 2]) and output[0] has a shape of torch.Size([])."

PYTORCH_2_13 = {
    "000 scalar mean": ["tensor([1.5000, 1.5000])", "tensor(16.5000, grad_fn=<MeanBackward0>)", "MeanBackward0"],
    "000 vector v=[1,1]": ["tensor([[10., 98.]])", "CopySlices", "MulBackward0"],
    "000 vector v=[0,1]": ["tensor([[ 2., 96.]])", "CopySlices", "MulBackward0"],
    "000 vector v=[1,2]": ["tensor([[ 12., 194.]])", "CopySlices", "MulBackward0"],
    "000 without cross terms": ["tensor([[ 8., 96.]])"],
    "000 mm": ["gradients are:tensor([[3.],\n        [5.]])", "tensor([[0., 0.],\n        [0., 0.]])"],
    "001 autograd.backward": ["tensor(4.)", "tensor([2., 4., 6.])", "tensor(12.)", "tensor(24.)", "tensor(4.)",
                              "None"],
    # The article prints 18 for the second call: today x.grad keeps the first 12 and adds 12.
    "001 create_graph": ["tensor(12., grad_fn=<CopyBackwards>)", "tensor(24., grad_fn=<CopyBackwards>)"],
    # The article prints (7., 11.); d(x² + z³ + xz)/dz at z=3, x=2 is 27 + 2 = 29.
    "001 autograd.grad": ["(tensor(4.),)", "(tensor([2., 4., 6.]),)", "(tensor(12., grad_fn=<MulBackward0>),)",
                          "(tensor(12.),)", "(tensor(7.), tensor(29.))", "(tensor(4.), None)", "(tensor(12.),)",
                          "(tensor(12.),)"],
    "002 graph": ["tensor(5., grad_fn=<AddBackward0>)", "tensor(20., grad_fn=<MulBackward0>)", "MulBackward0",
                  "AddBackward0", "0", "AccumulateGrad", "0", "()", "True", "False", "True", "False", "False",
                  "tensor(4.)", "tensor(4.)", "None", "tensor(5.)"],
    "002 add": ["tensor(1.)", "tensor(1.)", "tensor(5., grad_fn=<AddBackward0>)",
                "[('AccumulateGrad', 0), ('AccumulateGrad', 0)]"],
    "002 inner nodes have no variable": ["'AddBackward0' object has no attribute 'variable'"],
    "003 identity": ["Z tensor is: tensor([-1.0000, -0.5000,  0.0000,  0.5000,  1.0000], requires_grad=True) \n"
                     " Gradient of y with respect to z is: tensor([-1.0000, -0.5000,  0.0000,  0.5000,  1.0000])"],
    "003 pow": ["Z tensor is: tensor([1., 2., 3., 4., 5.], requires_grad=True) \n"
                " Gradient of y with respect to z is: tensor([ 2.,  4.,  6.,  8., 10.], grad_fn=<DivBackward0>)"],
    "003 sums": ["tensor([1., 1., 1., 1., 1.])", "tensor([-2., -1.,  0.,  1.,  2.])",
                 "tensor([-2., -1.,  0.,  1.,  2.])"],
    "004 doubling": ["tensor([ 256., -512., 1024.], grad_fn=<MulBackward0>)",
                     "tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])"],
    "004 sum": ["tensor([[1., 1.],\n        [1., 1.]])", "tensor([[-1., -1.],\n        [-1., -1.]])"],
    # The article (2017) got all-ones grads; PyTorch now checks the gradient's shape against c's.
    "004 sum with matrix gradient": (RuntimeError, M),
    "004 matmul ones": ["tensor([[3., 3.],\n        [3., 3.]])", "tensor([[2., 2.],\n        [2., 2.]])",
                        "MmBackward0"],
    "004 matmul weights": ["tensor([[ 5.,  5.],\n        [11., 11.]])", "tensor([[6., 8.],\n        [6., 8.]])",
                           "MmBackward0"],
}


def run(program, module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's own warnings (non-leaf .grad, create_graph cycle)
        return program(module)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_seed_prints_what_pytorch_prints(name):
    expected = PYTORCH_2_13[name]
    if isinstance(expected, tuple):
        kind, message = expected
        with pytest.raises(kind) as info:
            run(PROGRAMS[name], aw)
        assert message in str(info.value)
        assert "[autograd_widgets]" in str(info.value)  # followed by an explanation for the learner
    else:
        assert run(PROGRAMS[name], aw) == expected


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_expectations_are_todays_pytorch(name):
    """Keeps the table above honest: the installed PyTorch prints the same."""
    torch = pytest.importorskip("torch")
    expected = PYTORCH_2_13[name]
    if isinstance(expected, tuple):
        with pytest.raises(expected[0], match=expected[1].replace("[", r"\[").replace("(", r"\(")
                           .replace(")", r"\)").replace("]", r"\]")):
            run(PROGRAMS[name], torch)
    else:
        assert run(PROGRAMS[name], torch) == expected
