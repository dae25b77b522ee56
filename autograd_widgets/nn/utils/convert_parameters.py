"""parameters_to_vector and vector_to_parameters: all parameters as one flat vector, and back."""
from ...ops.shape import cat
from ...tensor import Tensor
from ..module import _typename


def parameters_to_vector(parameters):
    """One vector of every parameter's elements, in order (differentiable: CatBackward0 over views)."""
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Set each parameter's data from consecutive slices of `vec`."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    pointer = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[pointer:pointer + n].view_as(p).data
        pointer += n
