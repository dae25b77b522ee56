"""The containers torch.func's transforms look through: tensors inside (nested) tuples, lists and dicts.

A spec is None for a leaf, else (type, keys, child specs); keys are a dict's keys (None for a sequence).
`spec_repr` writes a spec as PyTorch's TreeSpec does, for its error messages.
"""
from typing import Any


def flatten(tree: Any) -> tuple[list, Any]:
    """The leaves of `tree` in order, and the spec to rebuild it."""
    if isinstance(tree, (tuple, list)):
        parts = [flatten(child) for child in tree]
        return [leaf for leaves, _ in parts for leaf in leaves], (type(tree), None, [s for _, s in parts])
    if isinstance(tree, dict):
        parts = [flatten(child) for child in tree.values()]
        return [leaf for leaves, _ in parts for leaf in leaves], (dict, list(tree), [s for _, s in parts])
    return [tree], None


def unflatten(leaves, spec) -> Any:
    """The tree `spec` describes, with `leaves` (an iterable, consumed in order) as its leaves."""
    leaves = iter(leaves)

    def build(s):
        if s is None:
            return next(leaves)
        kind, keys, children = s
        values = [build(c) for c in children]
        return dict(zip(keys, values)) if kind is dict else kind(values)
    return build(spec)


def count(spec) -> int:
    return 1 if spec is None else sum(count(c) for c in spec[2])


def broadcast(prefix: Any, spec) -> list | None:
    """`prefix` (an int/None for a whole subtree, or containers matching `spec`'s) as one value per leaf of
    `spec`; None when the structures do not match."""
    if prefix is None or isinstance(prefix, int):
        return [prefix] * count(spec)
    if spec is None or not isinstance(prefix, spec[0]):
        return None
    kind, keys, children = spec
    items = [prefix.get(k, _MISSING) for k in keys] if kind is dict else list(prefix)
    if len(items) != len(children) or (kind is dict and set(prefix) != set(keys)):
        return None
    out = []
    for item, child in zip(items, children):
        part = broadcast(item, child)
        if part is None:
            return None
        out += part
    return out


_MISSING = object()


def spec_repr(spec, indent: int = 0) -> str:
    """PyTorch's TreeSpec repr: `TreeSpec(tuple, None, [*,\\n  *])`, `*` for a leaf."""
    if spec is None:
        return "*"
    kind, keys, children = spec
    indent += 2
    inner = ",".join(("" if i == 0 else "\n" + " " * indent) + spec_repr(c, indent) for i, c in enumerate(children))
    return f"TreeSpec({kind.__name__}, {keys}, [{inner}])"


def spec_pprint(spec) -> str:
    """PyTorch's short form of a spec (treespec_pprint): `(*, *)`, `[*]`, `{'a': *}`, `*` for a leaf."""
    if spec is None:
        return "*"
    kind, keys, children = spec
    parts = [spec_pprint(c) for c in children]
    if kind is dict:
        return "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(keys, parts)) + "}"
    if kind is list:
        return "[" + ", ".join(parts) + "]"
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
