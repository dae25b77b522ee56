import warnings
"""Every error a learner can meet: PyTorch 2.13's words first, then what it means and what to do.

Tests match PyTorch's text as a substring, so keep each first sentence verbatim.
"""


def _explain(torch_message, explanation):
    return f"{torch_message}\n\n[autograd_widgets] {explanation}"


def runtime(torch_message, explanation):
    return RuntimeError(_explain(torch_message, explanation))


def value(torch_message, explanation):
    return ValueError(_explain(torch_message, explanation))


def index(torch_message, explanation):
    return IndexError(_explain(torch_message, explanation))


def type_error(torch_message, explanation):
    return TypeError(_explain(torch_message, explanation))


def overflow(torch_message, explanation):
    return OverflowError(_explain(torch_message, explanation))


def not_implemented(torch_message, explanation):
    return NotImplementedError(_explain(torch_message, explanation))


def warn(torch_message, explanation, stacklevel=2):
    """PyTorch's UserWarning, explained; stacklevel counts from the caller of warn."""
    warnings.warn(_explain(torch_message, explanation), UserWarning, stacklevel=stacklevel + 1)


def type_name(value) -> str:
    """The type as PyTorch's messages name it: a NumPy scalar or array as 'numpy.float64', others by class name."""
    kind = type(value)
    module = kind.__module__.split(".")[0]
    return f"{module}.{kind.__name__}" if module == "numpy" else kind.__name__


def not_tensor(name, param, value, position, why=None):
    """PyTorch's TypeError for a function `name` whose argument `param` (at `position`) is no tensor."""
    return type_error(f"{name}(): argument '{param}' (position {position}) must be Tensor, not {type_name(value)}",
                      why or f"{name}() multiplies tensors: make one with torch.tensor(...) first (use * to scale "
                             "by a number).")


def no_arguments(name, args, kwargs):
    """PyTorch's TypeError for Tensor.<name>() (a one-input op, as x.exp()) given arguments or keywords."""
    said = "takes no keyword arguments" if kwargs else f"takes no arguments ({len(args)} given)"
    return type_error(f"TensorBase.{name}() {said}",
                      f"x.{name}() works on x alone; for out= use the function form, torch.{name}(x, out=y).")


def _size(shape):
    return f"torch.Size([{', '.join(str(s) for s in shape)}])"


def not_scalar():
    return runtime("grad can be implicitly created only for scalar outputs",
                   "backward() without an argument means 'differentiate this one number'. Your output has "
                   "several elements, so pass a `gradient` of the output's shape: it is the vector v in v^T·J "
                   "(use torch.ones_like(out) to sum the gradients of all elements).")


def freed_graph():
    return runtime(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have "
        "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
        "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
        "if you need to access saved tensors after calling backward.",
        "The first backward released the values this graph saved for computing gradients. Pass "
        "retain_graph=True to the first backward if you want to run backward on it again, or recompute the "
        "forward pass.")


def gradient_shape(index, grad_shape, out_shape):
    return runtime(
        f"Mismatch in shape: grad_output[{index}] has a shape of {_size(grad_shape)} and output[{index}] has a "
        f"shape of {_size(out_shape)}.",
        "The `gradient` you pass to backward() must have exactly the shape of the tensor you call it on: "
        "it holds one weight per output element.")


def hook_changed(name, what):
    """A gradient hook returned a tensor of another type or size (`what`: PyTorch's words for the change)."""
    return runtime(f"hook '{name}' has changed the {what}",
                   "A hook may replace a gradient, but only by one of the same shape and dtype: the gradient of a "
                   "tensor always has that tensor's shape and dtype. Return e.g. `g * 2` or `g.clamp(-1, 1)`.")


def hook_value_count(name, got, expected):
    return runtime(f"hook '{name}' has returned an incorrect number of values (got {got}, but expected {expected})",
                   "A node's hook returns one gradient (or None) for each gradient it was given.")


def hook_not_tensor(got):
    return type_error(f"expected Variable, but hook returned '{got}'",
                      "A gradient hook returns a tensor (the new gradient) or None (keep the gradient as it is).")


def hook_fills_none():
    return runtime("can't replace a None gradient with a non-None value",
                   "No gradient flows into this place, so a hook cannot invent one there.")


def leaf_inplace(view=False):
    what = "a view of a leaf Variable" if view else "a leaf Variable"
    return runtime(
        f"{what} that requires grad is being used in an in-place operation.",
        "Changing a leaf that requires grad in place would silently change what its gradient means. Do it "
        "inside `with torch.no_grad():` (as optimizers do), or work on a copy (`x = x + 1` instead of `x += 1`).")


def nograd_view_inplace():
    return runtime(
        "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this "
        "use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view "
        "and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both "
        "outside (if you want the inplace to be tracked).",
        "This view was made under torch.no_grad(), so autograd does not know how it relates to its base; "
        "recording a change through it now would give a wrong graph.")


def multi_output_view_inplace(index, op, changed=False):
    what = "its base or another view of its base has been modified inplace" if changed else \
        "is being modified inplace"
    return runtime(
        f"Output {index} of {op} is a view and {what}. This view is the output of a function that returns "
        "multiple views. Such functions do not allow the output views to be modified inplace. You should replace "
        "the inplace operation by an out-of-place one.",
        f"{op.lower()}() gives several views of one tensor at once, and autograd cannot record a change to one of "
        "them. Change a copy instead (`piece = piece.clone()`), or use an out-of-place op.")


def overlapping_inplace():
    return runtime(
        "unsupported operation: more than one element of the written-to tensor refers to a single memory location. "
        "Please clone() the tensor before performing the operation.",
        "This tensor comes from expand() (or similar), so several of its elements are one number in memory; "
        "writing to them in place is ambiguous. Write into x.clone() instead.")


def modified_saved(tensor_desc, output_of, version, expected):
    where = f", which is output {output_of[1]} of {output_of[0]}," if output_of else ""
    return runtime(
        f"one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{tensor_desc}]{where} is at version {version}; expected version {expected} instead. Hint: enable "
        f"anomaly detection to find the operation that failed to compute its gradient, with "
        f"torch.autograd.set_detect_anomaly(True, check_nan=False).",
        "A value this backward needs was saved during the forward pass and then changed in place, so the "
        "gradient would be wrong. Use an out-of-place op (`y = y + 1` instead of `y += 1`) or clone() first.")


def batched_gradient_shape(index, grad_shape, out_shape):
    return runtime(
        "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch dimension. "
        "The sizes of the remaining dimensions are expected to match the shape of corresponding output, but a "
        f"mismatch was detected: grad_output[{index}] has a shape of {_size(grad_shape)} and output[{index}] has a "
        f"shape of {_size(out_shape)}. If you only want some tensors in `grad_output` to be considered batched, "
        "consider using vmap.",
        "With is_grads_batched=True each grad_output is a stack of ordinary grad_outputs: shape (B, *output.shape), "
        "one vector v per row, and each result gets the same leading B.")


def unused_input(index):
    return runtime(
        f"The differentiated Tensor at index {index} appears to not have been used in the graph. Set "
        f"allow_unused=True if this is the desired behavior.",
        "No path leads from the outputs to this input, so its gradient is not defined. With allow_unused=True "
        "autograd.grad returns None for it.")


def input_no_grad(index):
    return runtime(
        "One of the differentiated Tensors does not require grad",
        f"Input {index} of autograd.grad was not created with requires_grad=True, so autograd did not track it.")


def integer_requires_grad(factory=True):
    msg = ("Only Tensors of floating point and complex dtype can require gradients" if factory
           else "only Tensors of floating point dtype can require gradients")
    return runtime(msg, "Gradients are defined for real numbers, not integers: create the tensor with float "
                        "values (e.g. [1., 2.]) or dtype=torch.float32.")


def no_grad_fn(index=0):
    return runtime(
        f"element {index} of tensors does not require grad and does not have a grad_fn",
        "This tensor was not computed from anything that requires grad, so there is no graph to go backward "
        "through. Create the input with requires_grad=True (and not inside torch.no_grad()).")


def numpy_requires_grad():
    return runtime("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
                   "A NumPy array cannot carry the graph; detach() gives the same values without it.")


def nonleaf_requires_grad():
    return runtime(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
        "subgraph that doesn't require differentiation use var_no_grad = var.detach().",
        "This tensor is the result of an op, so whether it requires grad follows from its inputs. Use "
        ".detach() to get a new leaf, then set requires_grad on that.")


def wrap_dim(dim, ndim):
    """`dim` as a non-negative axis of a tensor with `ndim` dims (a 0-d tensor takes dims -1 and 0)."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(_explain(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})",
            f"This tensor has {ndim} dimension{'s' if ndim != 1 else ''}; dim counts from 0 (or from -1 at the "
            "end)."))
    return dim % n


def not_supported(name):
    return AttributeError(
        f"autograd_widgets does not support '{name}' (yet). It implements the part of PyTorch's API that "
        f"teaching autograd needs; see the README for the list of supported names.")


def explain(exc):
    """An exception's text with this project's explanation, also for PyTorch's own errors."""
    text = str(exc)
    if "[autograd_widgets]" in text:
        return text
    for probe in (not_scalar(), freed_graph(), gradient_shape(0, (), ()), leaf_inplace(), unused_input(0),
                  no_grad_fn(0), numpy_requires_grad(), nonleaf_requires_grad()):
        head, explanation = str(probe).split("\n\n[autograd_widgets] ")
        if head[:28] in text:
            return _explain(text, explanation)
    return text
