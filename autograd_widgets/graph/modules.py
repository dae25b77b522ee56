"""Which module made each node: dotted paths (`block.fc1`) from the tags forwards leave on nodes.

This core's modules tag the nodes their forward makes as it runs (nn/module_tags.py). Real
PyTorch modules do it inside `with watch(model):`, through forward hooks, into each node's
`metadata` dict. A tag is the stack of modules that were running, outermost first; its path
is read through `named_modules()` from the outermost one, so a model's own forward (root) is
"" and `fc1`'s is "fc1", as its parameters are named `fc1.weight`. A call that started at a
submodule of a model naming the parameters (names=model, or the notebook's) is placed inside it.

    with autograd_widgets.watch(model):     # real PyTorch; this core's models need no watch
        loss = loss_fn(model(x), y)
    show(loss)                              # each module a cluster, `fc1: Linear(...)`
"""
import sys
from contextlib import contextmanager

from ..nn.module import Module
from ..nn.module_tags import tag_graph
from ..node import Node

KEY = "autograd_widgets.module"  # the key of a PyTorch node's metadata that holds its tag


def describe(module):
    """`Linear(in_features=784, out_features=256)`; a container without settings by its class alone."""
    try:
        extra = module.extra_repr().split("\n")[0]
        name = module._get_name()
    except Exception:  # noqa: BLE001 - an odd module still gets its class name
        return type(module).__name__
    if not extra and next(iter(module.children()), None) is not None:
        return name
    return f"{name}({extra})"


def tag_of(fn):
    """The tag on a backward function (this core's attribute, PyTorch's metadata), or None."""
    if isinstance(fn, Node):
        return fn.__dict__.get("_module")
    try:
        return fn.metadata.get(KEY)
    except (AttributeError, RuntimeError):  # not a node, or one without metadata
        return None


class Paths:
    """Turns tags into paths for one graph walk, and remembers each module path's description.

    `models()` gives the models that name parameters (names=model, the notebook's): a call that started
    at one of their submodules (`model.fc1(x)` in a cell) is placed at its path in them, as its
    parameters are named (`fc1.weight`)."""

    def __init__(self, models=None):
        self.modules = {}   # path -> description, for every module a path passes through
        self._models, self._read = models, models is None
        self._by_tag = {}   # id(tag) -> path (tags are shared by the nodes of one call)
        self._index = {}    # id(module) -> {id(submodule): (relative path, submodule)}
        self._held = []     # the tags, so their ids stay theirs for this walk

    def path(self, tag):
        if tag is None:
            return ""
        key = id(tag)
        if key not in self._by_tag:
            self._held.append(tag)
            self._by_tag[key] = self._resolve([r() for r in tag])
        return self._by_tag[key]

    def _resolve(self, stack):
        stack = [m for m in stack if m is not None]
        if not stack:
            return ""
        path, cur = self._root_path(stack[0]), stack[0]
        for m in stack[1:]:
            found = self._subs(cur).get(id(m))
            if found is not None:  # else called, but not registered under the module that called it: no level
                path, cur = self._note(cur, path, found[0]), m
        return path

    def _root_path(self, root):
        """Where the outermost running module sits in a model that names parameters ("" for a model itself)."""
        if not self._read:
            self._models, self._read = list(self._models()), True  # read once, on the first tag
        for model in self._models or ():
            found = self._subs(model).get(id(root))
            if found is not None:
                return self._note(model, "", found[0])
        return ""

    def _note(self, cur, path, rel):
        """`path` + `rel` (a path inside `cur`), describing every level on the way (`layers` of `layers.0`)."""
        parts = rel.split(".")
        for k in range(1, len(parts) + 1):
            sub = ".".join(parts[:k])
            full = f"{path}.{sub}" if path else sub
            if full not in self.modules:
                self.modules[full] = describe(self._by_path(cur, sub))
        return f"{path}.{rel}" if path else rel

    def _subs(self, module):
        subs = self._index.get(id(module))
        if subs is None:
            try:
                named = list(module.named_modules())
            except Exception:  # noqa: BLE001 - a module whose traversal fails has no levels
                named = []
            subs = self._index[id(module)] = {id(m): (p, m) for p, m in named if p}
        return subs

    def _by_path(self, module, rel):
        for p, m in self._subs(module).values():
            if p == rel:
                return m
        return module


# PyTorch's nodes: numbered by `_sequence_nr()`, tagged in their `metadata` dict (kept in C++, so the
# tag outlives the Python object PyTorch hands out for the node).
def _torch_seq(fn):
    return fn._sequence_nr()


def _torch_tagged(fn):
    return KEY in fn.metadata


def _torch_set_tag(fn, tag):
    fn.metadata[KEY] = tag


@contextmanager
def watch(model):
    """`with watch(model):` tags the nodes each of `model`'s modules makes with its path, for the graph
    to group them (real PyTorch models; this core's modules always do, so for them it does nothing)."""
    if isinstance(model, Module):
        yield model
        return
    if not callable(getattr(model, "modules", None)) or not callable(getattr(model, "register_forward_hook", None)):
        raise TypeError(f"watch() takes a model (a torch.nn.Module), got {type(model).__name__}; "
                        "e.g. `with watch(model): loss = loss_fn(model(x), y)`.")
    torch = sys.modules["torch"]  # a PyTorch module exists, so PyTorch is imported
    peek = torch._C._autograd._get_sequence_nr  # the number the next node will get
    stack, starts = [], []

    def before(module, args):
        stack.append(module)
        starts.append(peek())

    def after(module, args, result):
        start = starts.pop()
        try:
            if torch.is_grad_enabled():
                tag_graph(result, start, stack, _torch_seq, _torch_tagged, _torch_set_tag)
        finally:
            stack.pop()

    handles = []
    for m in model.modules():
        handles.append(m.register_forward_pre_hook(before))
        handles.append(m.register_forward_hook(after, always_call=True))  # a forward that raises pops too
    try:
        yield model
    finally:
        for h in handles:
            h.remove()
