"""Which module's forward made each backward function: tags written as forwards return.

A module call notes the node counter before its forward; afterwards it walks back from the
outputs' grad_fns over the nodes made since (every node made during the call that feeds an
output is newer than the call's start) and tags those not tagged yet. Inner calls return
first, so the innermost module wins. The tag is the stack of running modules, outermost first,
held weakly; graph/modules.py turns it into a dotted path (`block.fc1`). Nothing runs while no
module does: ops never look at tags.

A call whose numbers were all taken by its inner calls (nn.Sequential, a model that only calls
its layers) made no node itself and skips the walk: its layers tagged everything already.
"""
import weakref

from ..node import AccumulateGrad, _sequence

running = []   # the modules whose forward is running now, outermost first (this core's models)
_covered = []  # for each running module: how many numbers its finished inner calls took


def begin(module):
    """A module's call starts: its number (every node its forward makes gets a larger one)."""
    running.append(module)
    _covered.append(0)
    return next(_sequence)


def end(result, start):
    """A module's forward returned `result`: tag the nodes it made itself, if it made any."""
    stop = next(_sequence)
    if stop - start - 1 > _covered[-1]:  # numbers its inner calls did not take: nodes of its own (or hooks')
        record(result, start)
    if len(_covered) > 1:
        _covered[-2] += stop - start + 1


def finish():
    """A module's call is over (returned or raised)."""
    running.pop()
    _covered.pop()


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
    (PyTorch's nodes, under graph.modules.watch; this core's take the faster `record`)."""
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


def record(result, start):
    """tag_graph for this core's nodes and the modules running now, written out: it runs on every module call."""
    todo = [t.grad_fn for t in tensors_in(result)]
    seen, tag = set(), None
    while todo:
        fn = todo.pop()
        d = getattr(fn, "__dict__", None)  # None: no node, or not this core's (a PyTorch tensor returned)
        if d is None:
            continue
        # Older than this call (a node without a number too); AccumulateGrad's number is infinite.
        if d.get("_seq", -1) < start or type(fn) is AccumulateGrad or id(fn) in seen:
            continue
        seen.add(id(fn))
        if "_module" not in d:
            if tag is None:
                tag = tuple([weakref.ref(m) for m in running])
            d["_module"] = tag
        todo.extend([nxt for nxt, _ in fn.next_functions])
