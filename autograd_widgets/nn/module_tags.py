"""Which module's forward made each backward function: tags written as forwards return.

A module call notes the node counter before its forward; afterwards it walks back from the
outputs' grad_fns over the nodes made since (every node made during the call that feeds an
output is newer than the call's start) and tags those not tagged yet. Inner calls return
first, so the innermost module wins. The tag is the stack of running modules, outermost first,
held weakly; graph/modules.py turns it into a dotted path (`block.fc1`). Nothing runs while no
module does: ops never look at tags.
"""
import weakref

running = []  # the modules whose forward is running now, outermost first (this core's models)


def tensors_in(result, depth=0):
    """The tensors in a forward's result: a tensor, or tuples, lists and dicts of them (LSTM's (out, (h, c)))."""
    if hasattr(result, "grad_fn"):
        return [result]
    if depth > 3:
        return []
    if isinstance(result, dict):
        result = list(result.values())
    if isinstance(result, (tuple, list)):
        return [t for x in result for t in tensors_in(x, depth + 1)]
    return []


def tag_graph(result, start, stack, seq, tagged, set_tag):
    """Tag the untagged backward functions behind `result` made at or after `start` with `stack`.

    seq(fn): fn's creation number; tagged(fn): whether a tag is there; set_tag(fn, tag) writes it
    (this core: an attribute; PyTorch: the node's metadata dict)."""
    todo = [t.grad_fn for t in tensors_in(result)]
    seen, tag = {}, None
    while todo:
        fn = todo.pop()
        # AccumulateGrad (the parameters' ends) belongs to no call: its leaf names its module.
        if fn is None or id(fn) in seen or hasattr(fn, "variable") or seq(fn) < start:
            continue
        seen[id(fn)] = fn  # held, so that a PyTorch node's id is not reused by another while walking
        if not tagged(fn):
            if tag is None:
                tag = tuple([weakref.ref(m) for m in stack])
            set_tag(fn, tag)
        todo.extend([nxt for nxt, _ in fn.next_functions])


def _seq(fn):
    return fn._seq


def _tagged(fn):
    return "_module" in fn.__dict__


def _set_tag(fn, tag):
    fn._module = tag


def record(result, start):
    """Tag this core's nodes behind a forward's `result` with the modules running now."""
    tag_graph(result, start, running, _seq, _tagged, _set_tag)
