"""torch.func: composable function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap,
functional_call) built on this package's reverse-mode engine; see transforms.py and vmap.py for what
differs from PyTorch's (vmap loops over examples, jvp and jacfwd run in reverse mode)."""
from .functional_call import functional_call, stack_module_state
from .transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from .vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "linearize",
           "stack_module_state", "vjp", "vmap"]


def __getattr__(name):
    from .. import errors
    raise errors.not_supported(f"torch.func.{name}")
