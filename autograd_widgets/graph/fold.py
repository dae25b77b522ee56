"""fold(graph, max_nodes): the graph as GraphView draws it, in about `max_nodes` nodes.

First, a leaf used at very different depths (an RNN's weight, used at every step) is drawn
again beside each group of uses: one node with edges from every depth would cost Graphviz's
layout seconds to minutes (measured: 16 s for a 166-node RNN) for edges that cross the whole
picture. Copies say which node they repeat (`copy_of`). Then, only while the graph is too large:
1. chains: a run of backward functions with one way in and one way out (`y = f(f(f(y)))`)
   becomes one "fold" node;
2. the middle: whole ranks (distance from the outputs) between the top and the bottom of the
   graph become one "fold" node, so the outputs and the leaves near them stay readable.
Nothing is lost: a fold node's `ref` lists the nodes it stands for, and its details count them.

collapse(graph, paths) draws each module in `paths` as one node (id "m-" + its path), the way a
click on a module's cluster asks for; GraphView collapses before it folds.
"""
from dataclasses import replace

from .model import Graph, GraphEdge, GraphNode


SPAN = 4  # uses of a leaf further apart than this many ranks get their own copy of it


def fold(graph: Graph, max_nodes: int) -> Graph:
    """A graph of about `max_nodes` nodes standing for `graph` (`graph` itself when nothing changes)."""
    g = _split_shared(graph)
    if len(g.nodes) <= max_nodes:
        return g
    g = _fold_chains(g)
    if len(g.nodes) > max_nodes:
        g = _fold_middle(g, max_nodes)
    return g


def _members(node):
    return node.ref if node.kind == "fold" else [node]


def _fold_node(fid, members):
    """One node for `members`: the backward functions it stands for, most common first."""
    counts = {}
    for m in members:
        if m.kind == "fn":
            counts[m.title] = counts.get(m.title, 0) + 1
    top = ", ".join(f"{c}x {t}" for t, c in sorted(counts.items(), key=lambda kv: -kv[1])[:2])
    more = ", ..." if len(counts) > 2 else ""
    leaves = sum(1 for m in members if m.kind == "leaf")
    also = f"; {leaves} leaves" if leaves else ""
    return GraphNode(fid, "fold", f"... {len(members):,} nodes ({top}{more}{also}) ...", "", members,
                     module=common_module(members))


def _split_shared(graph):
    rank = _ranks(graph)
    incoming, variable = {}, {}
    for e in graph.edges:
        incoming.setdefault(e.dst, []).append(e)
        if e.kind == "variable":
            variable[e.src] = e.dst
    redirect, copies = {}, {}  # id(edge) -> copy id; original id -> [copy nodes]
    for nid, n in graph.nodes.items():
        ins = sorted(incoming.get(nid, ()), key=lambda e: rank[e.src])
        if n.kind != "accumulate" or len(ins) < 2 or rank[ins[-1].src] - rank[ins[0].src] <= SPAN:
            continue
        groups = [[ins[0]]]
        for e in ins[1:]:
            if rank[e.src] - rank[groups[-1][0].src] <= SPAN:
                groups[-1].append(e)
            else:
                groups.append([e])
        for k, group in enumerate(groups[1:], 1):
            cid = f"{nid}~{k}"
            copies.setdefault(nid, []).append(GraphNode(cid, n.kind, n.title, n.name, n.ref, nid, n.module))
            for e in group:
                redirect[id(e)] = cid
            leaf = variable.get(nid)
            if leaf is not None:
                lf = graph.nodes[leaf]
                copies.setdefault(leaf, []).append(GraphNode(f"{leaf}~{k}", lf.kind, lf.title, lf.name, lf.ref, leaf,
                                                            lf.module))
    if not copies:
        return graph
    nodes = {}
    for nid, n in graph.nodes.items():
        nodes[nid] = n
        for c in copies.get(nid, ()):
            nodes[c.id] = c
    edges = [replace(e, dst=redirect.get(id(e), e.dst)) for e in graph.edges]
    for nid, leaf in variable.items():
        for c in copies.get(nid, ()):
            edges.append(GraphEdge(c.id, f"{leaf}~{c.id.rsplit('~', 1)[1]}", 0, "variable"))
    return _graph(nodes, edges, graph)


def _fold_chains(graph):
    incoming, outgoing = {}, {}
    for e in graph.edges:
        outgoing.setdefault(e.src, []).append(e)
        incoming.setdefault(e.dst, []).append(e)
    nodes = graph.nodes
    inner = {nid for nid, n in nodes.items()
             if n.kind == "fn" and len(incoming.get(nid, ())) == 1 and len(outgoing.get(nid, ())) == 1
             and nodes[incoming[nid][0].src].kind == "fn"}
    runs, owner = [], {}
    for nid in inner:
        if incoming[nid][0].src in inner:
            continue  # not the start of a run
        run, cur = [], nid
        while cur in inner:
            run.append(cur)
            cur = outgoing[cur][0].dst
        if len(run) > 2:  # shorter runs would only trade two nodes for one
            runs.append(run)
    if not runs:
        return graph
    new_nodes = {}
    for run in runs:
        fid = f"fold-{run[0]}"
        for nid in run:
            owner[nid] = fid
        new_nodes[fid] = _fold_node(fid, [m for nid in run for m in _members(nodes[nid])])
    return _merge(graph, owner, new_nodes)


def _merge(graph, owner, new_nodes):
    """`graph` with each node in `owner` drawn as the new node it names; edges follow, once each."""
    edges, seen = [], set()
    for e in graph.edges:
        src, dst = owner.get(e.src, e.src), owner.get(e.dst, e.dst)
        if src == dst or (src in new_nodes or dst in new_nodes) and (src, dst, e.kind) in seen:
            continue
        seen.add((src, dst, e.kind))
        edges.append(replace(e, src=src, dst=dst))
    kept = {}
    for nid, n in graph.nodes.items():  # keep walk order; a new node takes its first member's place
        if nid not in owner:
            kept[nid] = n
        elif owner[nid] not in kept:
            kept[owner[nid]] = new_nodes[owner[nid]]
    return _graph(kept, edges, graph)


MODULE = "m-"  # the id of a collapsed module's node: "m-" and its path


def collapse(graph, paths):
    """`graph` with each module in `paths` (a collapsed one's submodules too) drawn as one node. The
    outputs stay drawn themselves, beside it."""
    paths = set(paths)
    owner, members = {}, {}
    for nid, n in graph.nodes.items():
        p = _collapsed(n.module, paths)
        if p is not None and nid not in graph.outputs:
            owner[nid] = MODULE + p
            members.setdefault(p, []).extend(_members(n))
    if not owner:
        return graph
    new_nodes = {}
    for p, ms in members.items():
        desc = f": {graph.modules[p]}" if p in graph.modules else ""
        count = f"{len(ms)} node" + ("s" if len(ms) != 1 else "")
        new_nodes[MODULE + p] = GraphNode(MODULE + p, "fold", f"[+] {p}{desc}  ({count})", "", ms,
                                          module=p.rpartition(".")[0])
    return _merge(graph, owner, new_nodes)


def _collapsed(module, paths):
    """The outermost of `paths` that `module` is or is inside, or None."""
    if not module or not paths:
        return None
    parts = module.split(".")
    for k in range(1, len(parts) + 1):
        p = ".".join(parts[:k])
        if p in paths:
            return p
    return None


def common_module(members):
    """The innermost module holding all of `members` ("" when they share none)."""
    paths = {m.module for m in members}
    first = min(paths).split(".") if paths else []
    k = len(first)
    for p in paths:
        parts = p.split(".")
        while k and parts[:k] != first[:k]:
            k -= 1
    return ".".join(first[:k])


def _graph(nodes, edges, like):
    """A Graph of these nodes and edges with the outputs and module descriptions of the graph `like`."""
    return Graph(nodes, edges, like.outputs, sum(len(n.ref) for n in nodes.values() if n.kind == "fold"),
                 like.modules)


def _ranks(graph):
    """Longest distance of every node from the outputs (iterative topological order)."""
    indeg = {nid: 0 for nid in graph.nodes}
    outgoing = {}
    for e in graph.edges:
        indeg[e.dst] += 1
        outgoing.setdefault(e.src, []).append(e.dst)
    rank = {nid: 0 for nid in graph.nodes}
    stack = [nid for nid, d in indeg.items() if d == 0]
    while stack:
        nid = stack.pop()
        for dst in outgoing.get(nid, ()):
            rank[dst] = max(rank[dst], rank[nid] + 1)
            indeg[dst] -= 1
            if indeg[dst] == 0:
                stack.append(dst)
    return rank


def _fold_middle(graph, max_nodes):
    rank = _ranks(graph)
    per_rank = {}
    for nid, r in rank.items():
        per_rank[r] = per_rank.get(r, 0) + 1
    deepest = max(per_rank)
    budget = (max_nodes - 1) // 2  # each end; the fold itself is one more
    lo, kept = 0, 0  # ranks [0, lo) stay: the outputs' end
    while lo <= deepest and kept + per_rank.get(lo, 0) <= budget:
        kept += per_rank.get(lo, 0)
        lo += 1
    hi, kept = deepest + 1, 0  # ranks [hi, deepest] stay: the leaves' end
    while hi - 1 >= lo and kept + per_rank.get(hi - 1, 0) <= budget:
        kept += per_rank.get(hi - 1, 0)
        hi -= 1
    lo = max(lo, 1)  # the outputs always stay
    if lo >= hi:
        return graph
    inside = {nid for nid, r in rank.items() if lo <= r < hi}
    fid = f"fold-r{lo}"
    fnode = _fold_node(fid, [m for nid in graph.nodes if nid in inside for m in _members(graph.nodes[nid])])
    return _merge(graph, dict.fromkeys(inside, fid), {fid: fnode})
