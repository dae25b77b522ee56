"""Bad input: each misuse raises PyTorch's exception type and PyTorch 2.13's words, then a plain
explanation for a learner ("[autograd_widgets] ..."). The words below were printed by PyTorch 2.13.0;
`test_words_are_todays_pytorch` keeps them honest where PyTorch is installed.
"""
import copy
import warnings

import pytest

import autograd_widgets as aw


def _rg(T):
    return T.tensor([1., 2.], requires_grad=True)


def _twice(T):
    a = _rg(T)
    b = (a.exp() * a).sum()
    b.backward()
    b.backward()


def _saved_output_modified(T):
    a = _rg(T)
    b = a.exp()  # exp saves its result
    b.add_(1)
    b.sum().backward()


def _saved_input_modified(T):
    a = _rg(T)
    b = a * 2
    c = b * b  # saves b
    b.add_(1)
    c.sum().backward()


def _unused(T):
    a, b = _rg(T), _rg(T)
    T.autograd.grad((a * 2).sum(), [a, b])


def _nonleaf_requires_grad(T):
    (_rg(T) * 2).requires_grad_(False)


def _detach_view(T):
    _rg(T)[:1].detach_()


def _grad_dtype(T):
    _rg(T).grad = T.ones(2, dtype=T.float64)


SAVED = ("one of the variables needed for gradient computation has been modified by an inplace operation: "
         "[torch.FloatTensor [2]], which is output 0 of {}, is at version 1; expected version 0 instead. Hint: enable "
         "anomaly detection to find the operation that failed to compute its gradient, with "
         "torch.autograd.set_detect_anomaly(True, check_nan=False).")

MISUSES = {
    # issue 3, section 3
    "backward on a non-scalar without gradient": (
        lambda T: (_rg(T) * 2).backward(), RuntimeError,
        "grad can be implicitly created only for scalar outputs"),
    "backward through the graph a second time": (
        _twice, RuntimeError,
        "Trying to backward through the graph a second time (or directly access saved tensors after they have "
        "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
        "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
        "you need to access saved tensors after calling backward."),
    "gradient of the wrong shape": (
        lambda T: (_rg(T) * 2).backward(T.ones(3)), RuntimeError,
        "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of "
        "torch.Size([2])."),
    "2x2 gradient for a scalar (seed 004)": (
        lambda T: _rg(T).sum().backward(T.ones(2, 2)), RuntimeError,
        "Mismatch in shape: grad_output[0] has a shape of torch.Size([2, 2]) and output[0] has a shape of "
        "torch.Size([])."),
    "in-place on a leaf": (
        lambda T: _rg(T).add_(1), RuntimeError,
        "a leaf Variable that requires grad is being used in an in-place operation."),
    "in-place operator on a leaf": (
        lambda T: _rg(T).__imul__(2), RuntimeError,
        "a leaf Variable that requires grad is being used in an in-place operation."),
    "setitem on a leaf": (
        lambda T: _rg(T).__setitem__(0, 5.), RuntimeError,
        "a view of a leaf Variable that requires grad is being used in an in-place operation."),
    "in-place on a view of a leaf": (
        lambda T: _rg(T)[:1].mul_(2), RuntimeError,
        "a view of a leaf Variable that requires grad is being used in an in-place operation."),
    "in-place on a saved output": (_saved_output_modified, RuntimeError, SAVED.format("Exp")),
    "in-place on a saved input": (_saved_input_modified, RuntimeError, SAVED.format("Add")),
    "input unused in autograd.grad": (
        _unused, RuntimeError,
        "The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True if "
        "this is the desired behavior."),
    "requires_grad on an integer tensor": (
        lambda T: T.tensor([1, 2], requires_grad=True), RuntimeError,
        "Only Tensors of floating point and complex dtype can require gradients"),
    "requires_grad_ on an integer tensor": (
        lambda T: T.tensor([1, 2]).requires_grad_(), RuntimeError,
        "only Tensors of floating point dtype can require gradients"),
    "backward on a tensor without grad_fn": (
        lambda T: T.tensor([1., 2.]).sum().backward(), RuntimeError,
        "element 0 of tensors does not require grad and does not have a grad_fn"),
    "numpy() on a tensor that requires grad": (
        lambda T: _rg(T).numpy(), RuntimeError,
        "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."),
    # more autograd misuses
    "autograd.grad of a non-scalar without grad_outputs": (
        lambda T: T.autograd.grad(_rg(T) * 2, _rg(T)), RuntimeError,
        "grad can be implicitly created only for scalar outputs"),
    "requires_grad = False assigned on a non-leaf": (
        lambda T: setattr(_rg(T) * 2, "requires_grad", False), RuntimeError,
        "you can only change requires_grad flags of leaf variables."),
    "input that does not require grad in autograd.grad": (
        lambda T: T.autograd.grad(_rg(T).sum(), T.ones(2)), RuntimeError,
        "One of the differentiated Tensors does not require grad"),
    "requires_grad=False on a non-leaf": (
        _nonleaf_requires_grad, RuntimeError,
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
        "subgraph that doesn't require differentiation use var_no_grad = var.detach()."),
    "retain_grad without requires_grad": (
        lambda T: T.ones(2).retain_grad(), RuntimeError,
        "can't retain_grad on Tensor that has requires_grad=False"),
    "hook without requires_grad": (
        lambda T: T.ones(2).register_hook(lambda g: g), RuntimeError,
        "cannot register a hook on a tensor that doesn't require gradient"),
    "empty inputs=": (
        lambda T: _rg(T).sum().backward(inputs=[]), RuntimeError,
        "`inputs` argument to `backward()` cannot be empty."),
    "grad of the wrong shape assigned": (
        lambda T: setattr(_rg(T), "grad", T.ones(3)), RuntimeError,
        "attempting to assign a gradient of size '[3]' to a tensor of size '[2]'. Please ensure that the gradient "
        "and the tensor are the same size"),
    "grad of another dtype assigned": (
        _grad_dtype, RuntimeError,
        "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype 'Float'. The gradient "
        "must match the tensor's grad_dtype (defaults to the tensor's dtype)."),
    "deepcopy of a non-leaf": (
        lambda T: copy.deepcopy(_rg(T) * 2), RuntimeError,
        "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment."),
    "detach_ on a view": (
        _detach_view, RuntimeError, "Can't detach views in-place. Use detach() instead."),
    # shapes
    "mm of mismatched shapes": (
        lambda T: T.ones(2, 3) @ T.ones(2, 3), RuntimeError, "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"),
    "mv of mismatched shapes": (
        lambda T: T.mv(T.ones(2, 3), T.ones(2)), RuntimeError, "size mismatch, got input (2), mat (2x3), vec (2)"),
    "matmul of a 0-d tensor": (
        lambda T: T.matmul(T.tensor(1.), T.ones(2)), RuntimeError,
        "both arguments to matmul need to be at least 1D, but they are 0D and 1D"),
    "broadcast mismatch": (
        lambda T: T.ones(2) + T.ones(3), RuntimeError,
        "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    "view of the wrong size": (
        lambda T: T.ones(2, 3).view(4), RuntimeError, "shape '[4]' is invalid for input of size 6"),
    "view that needs a copy": (
        lambda T: T.ones(2, 3).t().view(6), RuntimeError,
        "view size is not compatible with input tensor's size and stride (at least one dimension spans across two "
        "contiguous subspaces). Use .reshape(...) instead."),
    "two -1 sizes": (lambda T: T.ones(4).view(-1, -1), RuntimeError, "only one dimension can be inferred"),
    "dim out of range": (
        lambda T: T.ones(2).sum(2), IndexError,
        "Dimension out of range (expected to be in range of [-1, 0], but got 2)"),
    "transpose dim out of range": (
        lambda T: T.ones(2, 3).transpose(0, -3), IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got -3)"),
    "stack of unequal shapes": (
        lambda T: T.stack([T.ones(2), T.ones(3)]), RuntimeError,
        "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1"),
    "cat of unequal shapes": (
        lambda T: T.cat([T.ones(2, 2), T.ones(2, 3)]), RuntimeError,
        "Sizes of tensors must match except in dimension 0. Expected size 2 but got size 3 for tensor number 1 in "
        "the list."),
    "expand of a non-singleton dim": (
        lambda T: T.ones(2).expand(3), RuntimeError,
        "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  Target "
        "sizes: [3].  Tensor sizes: [2]"),
    "assigned value of the wrong shape": (
        lambda T: T.ones(2, 2).__setitem__(0, T.ones(3)), RuntimeError,
        "The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.  Target "
        "sizes: [2].  Tensor sizes: [3]"),
    "in-place result of another shape": (
        lambda T: T.ones(2).add_(T.ones(2, 2)), RuntimeError,
        "output with shape [2] doesn't match the broadcast shape [2, 2]"),
    # values and dtypes
    "item of several elements": (
        lambda T: T.ones(2).item(), RuntimeError, "a Tensor with 2 elements cannot be converted to Scalar"),
    "truth value of several elements": (
        lambda T: bool(T.ones(2)), RuntimeError, "Boolean value of Tensor with more than one value is ambiguous"),
    "in-place float into an integer tensor": (
        lambda T: T.tensor([1, 2]).mul_(1.5), RuntimeError,
        "result type Float can't be cast to the desired output type Long"),
    "mean of an integer tensor": (
        lambda T: T.tensor([1, 2]).mean(), RuntimeError,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
        "Got: Long"),
    "float index tensor": (
        lambda T: T.ones(2)[T.tensor(0.5)], IndexError,
        "tensors used as indices must be long, int, byte or bool tensors"),
}


def _function_with_too_few_grads(T):
    class Scale(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g  # forgot the None for k
    Scale.apply(_rg(T), 2.0).sum().backward()


MISUSES.update({
    "index out of bounds": (
        lambda T: T.ones(2)[5], IndexError, "index 5 is out of bounds for dimension 0 with size 2"),
    "too many indices": (lambda T: T.ones(2)[0, 0], IndexError, "too many indices for tensor of dimension 1"),
    "max of an empty tensor": (
        lambda T: T.zeros(0).max(), RuntimeError,
        "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the "
        "'dim' argument."),
    "Function returning too few gradients": (
        _function_with_too_few_grads, RuntimeError,
        "function ScaleBackward returned an incorrect number of gradients (expected 2, got 1)"),
})


def _raised(program, T):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            program(T)
        except Exception as e:  # noqa: BLE001 - the exception is what we check
            return e
    return None


@pytest.mark.parametrize("name", list(MISUSES))
def test_misuse_raises_pytorchs_type_and_words_then_an_explanation(name):
    program, kind, words = MISUSES[name]
    error = _raised(program, aw)
    assert type(error) is kind, f"{name}: {error!r}"
    message = str(error)
    assert words in message
    tail = message.split("[autograd_widgets]", 1)
    assert len(tail) == 2 and words in tail[0], "PyTorch's words come first, then the explanation"
    assert len(tail[1].strip()) > 20, "a sentence or two for the learner"


@pytest.mark.parametrize("name", list(MISUSES))
def test_words_are_todays_pytorch(name):
    torch = pytest.importorskip("torch")
    program, kind, words = MISUSES[name]
    error = _raised(program, torch)
    assert type(error) is kind
    assert words in str(error)


@pytest.mark.parametrize("name", ["torch.conv2d", "torch.nn.Transformer", "torch.nn.functional.grid_sample",
                                  "torch.special", "torch.fft", "Tensor.stft", "Tensor.put_"])
def test_unsupported_names_say_what_is_missing(name):
    owner = {"torch": aw, "torch.nn": aw.nn, "torch.nn.functional": aw.nn.functional, "Tensor": aw.ones(2)}
    module, attr = name.rsplit(".", 1)
    with pytest.raises(AttributeError, match=f"autograd_widgets does not support '{name}'"):
        getattr(owner[module], attr)


def test_private_and_dunder_names_stay_plain_attribute_errors():
    """So hasattr(), copy and NumPy's protocol probes behave as for any object."""
    t = aw.ones(2)
    assert not hasattr(t, "__array_interface__")
    with pytest.raises(AttributeError, match="no attribute '_not_there'"):
        t._not_there  # noqa: B018


def test_unsupported_tensor_names_stay_out_of_dir_and_off_the_class():
    """PyTorch's Tensor names this one lacks raise 'does not support' on a tensor, yet tab completion (dir)
    does not offer them and hasattr on the class says no, as before they became descriptors."""
    t = aw.ones(2)
    assert "stft" not in dir(t) and "stft" not in dir(aw.Tensor) and not hasattr(aw.Tensor, "stft")
    assert "add" in dir(t) and "backward" in dir(aw.Tensor)
    assert not hasattr(t, "stft")


def test_a_name_pytorch_lacks_too_gives_pytorchs_attribute_error():
    """A misspelt attribute is no missing feature: the words are PyTorch's own."""
    torch = pytest.importorskip("torch")
    with pytest.raises(AttributeError) as ours:
        aw.ones(2).requires_gradd  # noqa: B018
    with pytest.raises(AttributeError) as theirs:
        torch.ones(2).requires_gradd  # noqa: B018
    assert str(ours.value) == str(theirs.value)


def test_every_public_name_of_pytorchs_tensor_is_there_or_says_it_is_missing():
    """The stored list of PyTorch's Tensor names matches today's PyTorch, so each of its names either works
    here or says 'does not support' (none falls through to a bare 'has no attribute')."""
    torch = pytest.importorskip("torch")
    t = aw.ones(2, 2, requires_grad=True)
    for name in sorted(n for n in dir(torch.Tensor) if not n.startswith("_")):
        try:
            getattr(t, name)
        except AttributeError as e:
            assert f"autograd_widgets does not support 'Tensor.{name}'" in str(e), name
        except (RuntimeError, ValueError, TypeError):  # a property that exists and refuses this tensor
            pass
