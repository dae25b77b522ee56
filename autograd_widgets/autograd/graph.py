"""torch.autograd.graph: the `Node` every grad_fn is, and hooks on the tensors a graph saves."""
from .. import errors
from ..node import Node, saved_tensors_hooks_stack  # noqa: F401  (Node: isinstance(t.grad_fn, Node))


class saved_tensors_hooks:
    """`with saved_tensors_hooks(pack, unpack):` ops save `pack(tensor)`; backward uses `unpack(packed)`."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        saved_tensors_hooks_stack.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        saved_tensors_hooks_stack.pop()
        return False


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors go to the CPU and come back to their device when backward needs them."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: (t.device, t.detach().cpu()), lambda packed: packed[1].to(packed[0]))


def __getattr__(name):
    raise errors.not_supported(f"torch.autograd.graph.{name}")
