"""The graph a tensor's grad_fn starts, as node names: the form tests compare between PyTorch and
autograd_widgets (both libraries' nodes answer name() and next_functions alike)."""


def tree(fn):
    """fn.name() and, recursively, each of its next_functions with the input index it feeds; None for none."""
    if fn is None:
        return None
    return fn.name(), tuple((tree(n), i) for n, i in fn.next_functions)


def levels(t, depth=None):
    """The names of t's graph level by level from t.grad_fn (a node reached twice is listed twice), to
    `depth` levels if given: for graphs too large to compare as one tree."""
    out, level = [], [t.grad_fn]
    while depth is None or len(out) < depth:
        level = [n for n in level if n is not None]
        if not level:
            break
        out.append(tuple(n.name() for n in level))
        level = [f for n in level for f, _ in n.next_functions]
    return out
