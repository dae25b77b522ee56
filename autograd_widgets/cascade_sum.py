"""PyTorch's CPU sum of float32/float64 values, bit for bit (ATen's SumKernel.cpp, `cascade_sum`).

Float addition is not associative, so a sum's last bits depend on the order of its additions.
NumPy adds pairwise; PyTorch's kernel adds in AVX2 vectors (8 float32 or 4 float64 lanes), four
vectors at a time, in chunks of 16 or more rows whose sums are summed in chunks again (a cascade
of four levels), and reduces over the dims TensorIterator orders and merges. So `loss.item()` of
a float32 loss printed other last digits than PyTorch's. Here the same additions are made in the
same order, each step a NumPy reduction over many independent accumulators at once.

`sum_as_pytorch` is the entry point for ops; `sum_float` returns None for what it does not cover
(another dtype, a device array, a broadcast input, a large non-contiguous full reduction), which is then
summed as the array library sums.
"""
from . import backend as B
from .threads import get_num_threads

np = B.namespace("cpu")  # this is the host's order of additions: NumPy arrays only

_LANES = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}  # AVX2 vectors, PyTorch's CPU capability here
_GRAIN = 32768  # at::internal::GRAIN_SIZE: below it a reduction runs on one thread
_ILP = 4  # row_sum's accumulators (ilp_factor), and the vectors or columns multi_row_sum takes at once


def _count(shape) -> int:
    n = 1
    for k in shape:
        n *= k
    return n


def _seq(x: np.ndarray, axis: int) -> np.ndarray:
    """x[0] + x[1] + ... along `axis`, strictly left to right. NumPy reduces an axis in order when it is
    not the innermost one it walks (a C-ordered array with more than one element after the axis), and
    pairwise otherwise: so the axis is moved first (copied into C order), and a lone column gets a zero
    column beside it."""
    n = x.shape[axis]
    if n <= 1:
        return x.sum(axis=axis) if n else np.zeros(x.shape[:axis] + x.shape[axis + 1:], x.dtype)
    if x.flags.c_contiguous and _count(x.shape[axis + 1:]) >= 2:
        return np.add.reduce(x, axis=axis)
    x = np.ascontiguousarray(np.moveaxis(x, axis, 0))
    if _count(x.shape[1:]) >= 2:
        return np.add.reduce(x, axis=0)
    column = x.reshape(n, 1)
    return np.add.reduce(np.concatenate([column, np.zeros_like(column)], axis=1), axis=0)[:1].reshape(x.shape[1:])


def _multi_row_sum(rows: np.ndarray) -> np.ndarray:
    """multi_row_sum: rows (batch, size, k) summed over `size` for every (batch, k), in chunks of
    `step` rows whose sums are gathered in chunks of `step` again, up to four levels."""
    batch, size, k = rows.shape
    power = max(4, (int(size - 1).bit_length() if size > 1 else 0) // 4)  # CeilLog2(size) / num_levels
    step = 1 << power
    chunks = size // step
    if not chunks:  # one level: a running sum
        return _seq(rows, 1)
    s = _seq(rows[:, :chunks * step].reshape(batch, chunks, step, k), 2)  # level 0: one sum per chunk
    left = _seq(rows[:, chunks * step:], 1)  # the rows after the last chunk, into level 0 again
    if chunks < step:  # level 1 never fills: it holds the running sum of the chunk sums
        return left + _seq(s, 1)
    groups = chunks // step
    g = _seq(s[:, :groups * step].reshape(batch, groups, step, k), 2)
    acc1 = _seq(s[:, groups * step:], 1)
    tops = groups // step
    h = _seq(g[:, :tops * step].reshape(batch, tops, step, k), 2)
    acc2 = _seq(g[:, tops * step:], 1)
    return ((left + acc1) + acc2) + _seq(h, 1)


def _row_sum(x: np.ndarray) -> np.ndarray:
    """row_sum: x (batch, size, k) summed over `size` with four accumulators (element i into i % 4),
    the rest added to the first, then the four added in order."""
    batch, size, k = x.shape
    full = size // _ILP
    if not full:
        return _seq(x, 1)
    p = _multi_row_sum(x[:, :full * _ILP].reshape(batch, full, _ILP * k)).reshape(batch, _ILP, k)
    if full * _ILP == size:
        return _seq(p, 1)
    return _seq(np.concatenate([p[:, :1], x[:, full * _ILP:], p[:, 1:]], axis=1), 1)


def _inner(block: np.ndarray, lanes: int) -> np.ndarray:
    """vectorized_inner_sum: block (batch, rows, n), each row contiguous, summed along n: the vectors by
    row_sum, then the scalars after them and the lanes of that vector, in order."""
    batch, rows, n = block.shape
    flat = block.reshape(batch * rows, n)
    vecs = n // lanes
    acc = _row_sum(flat[:, :vecs * lanes].reshape(batch * rows, vecs, lanes))  # one vector per row
    tail = np.concatenate([flat[:, vecs * lanes:], acc], axis=1) if vecs * lanes < n else acc
    return _seq(tail, 1).reshape(batch, rows)


def _columns(block: np.ndarray, width: int) -> np.ndarray:
    """block (batch, n, cols) summed along n: columns in groups of `width` by multi_row_sum (four vectors in
    vectorized_outer_sum, four scalars in scalar_outer_sum), the columns after the last group by row_sum."""
    cols = block.shape[2]
    grouped = cols // width * width
    if grouped == cols:
        return _multi_row_sum(block)
    if not grouped:
        return _row_sum(block)
    return np.concatenate([_multi_row_sum(block[:, :, :grouped]), _row_sum(block[:, :, grouped:])], axis=1)


def _loop2d(block: np.ndarray, strides: tuple, lanes: int) -> np.ndarray:
    """The kernel on 2-D blocks (batch, size1, size0), reduced along size0 (dim 0 of TensorIterator):
    one sum per (batch, j). `strides`: the input's element strides of dims 0 and 1 (dim 1: 0 if absent)."""
    s0, s1 = strides
    size1, size0 = block.shape[1], block.shape[2]
    if s0 == 1 and size0 >= lanes:
        return _inner(block, lanes)
    cols = np.ascontiguousarray(np.swapaxes(block, 1, 2))  # (batch, size0, size1): reduce along axis 1
    if s1 == 1 and size1 >= lanes:  # vectorized_outer_sum
        return _columns(cols, _ILP * lanes)
    if s0 < s1:  # scalar_inner_sum: each column on its own
        return _row_sum(cols)
    return _columns(cols, _ILP)  # scalar_outer_sum


def _iterator_dims(shape, strides, reduced):
    """TensorIterator's dims for this reduction (reorder_dimensions, coalesce_dimensions), size-1 dims left
    out: each [size, input stride, reduced]; dim 0 first. The output is contiguous in the reduction's
    keepdim shape, with stride 0 along reduced dims."""
    out_strides, acc = [0] * len(shape), 1
    for d in reversed(range(len(shape))):
        if not reduced[d]:
            out_strides[d], acc = acc, acc * shape[d]
    dims = [(n, st, r, o) for n, st, r, o in zip(shape, strides, reduced, out_strides) if n != 1]

    def should_swap(d0, d1):  # 1: d0 goes after d1; -1: before; 0: undecided
        for k, is_out in ((3, True), (1, False)):
            s0, s1 = d0[k], d1[k]
            if is_out and (s0 == 0) != (s1 == 0):
                return 1 if s1 == 0 else -1  # reduced dims first
            if s0 == 0 or s1 == 0:
                continue
            if s0 != s1:
                return -1 if s0 < s1 else 1
            if d0[0] > d1[0]:
                return 1
        return 0

    perm = list(reversed(dims))  # PyTorch starts from the reversed order and insertion-sorts
    for i in range(1, len(perm)):
        j = i
        for i0 in range(i - 1, -1, -1):
            c = should_swap(perm[i0], perm[j])
            if c > 0:
                perm[i0], perm[j] = perm[j], perm[i0]
                j = i0
            elif c < 0:
                break
    merged = []
    for n, st, r, o in perm:
        if merged:
            pn, pst, pr, po = merged[-1]
            if pst * pn == st and po * pn == o:
                merged[-1] = (pn * n, pst, pr, po)
                continue
        merged.append((n, st, r, o))
    return [[n, st, r] for n, st, r, _ in merged]


def sum_as_pytorch(a, axes, keepdims=False, dtype=None):
    """`B.sum_axes`, with the float32/float64 sum of a NumPy array added in PyTorch's CPU order, so a printed
    sum or mean has PyTorch's last digits, and a broadcast input's gradient (the engine's sum_to) the
    bits of the same sum written by hand."""
    if dtype is None or dtype == a.dtype:
        out = sum_float(a, axes, keepdims)
        if out is not None:
            return out
    return B.sum_axes(a, axes, keepdims, dtype)


def sum_float(a, axes, keepdims: bool):
    """PyTorch's sum of NumPy float32/float64 array `a` over `axes` (None: all), or None if not covered."""
    lanes = _LANES.get(a.dtype)
    if lanes is None or type(a) is not np.ndarray or a.size == 0:
        return None
    nd = a.ndim
    threads = get_num_threads()
    if axes is None and a.flags.c_contiguous and (a.size < _GRAIN or threads == 1):  # sum(), mean(), a loss
        total = _run(a.reshape(-1), lanes)
        return total.reshape((1,) * nd) if keepdims else total
    axes = tuple(range(nd)) if axes is None else tuple(sorted({ax % nd for ax in axes}))
    kept_shape = tuple(n for d, n in enumerate(a.shape) if d not in axes)
    lead = len(axes)
    if a.flags.c_contiguous and lead == nd:  # the same, and past the grain size
        if a.size < _GRAIN or threads == 1:
            total = _run(a.reshape(-1), lanes)
        else:
            total = _two_pass(a.reshape(-1), [a.size, 1, True], lanes, threads)
    elif a.flags.c_contiguous and axes == tuple(range(lead)) and _count(kept_shape) > 1 and \
            _unsplit(_count(kept_shape), a.size, threads):  # a bias's gradient: columns summed down the rows
        block = a.reshape(1, a.size // _count(kept_shape), -1)
        total = _columns(block, _ILP * lanes if block.shape[2] >= lanes else _ILP)[0]
    elif a.flags.c_contiguous and axes == tuple(range(nd - lead, nd)) and _count(kept_shape) > 1 and \
            _count(a.shape[nd - lead:]) > 1:  # each row summed along (a softmax's denominator, mean(-1))
        rows = a.reshape(1, _count(kept_shape), -1)
        total = _inner(rows, lanes)[0] if rows.shape[2] >= lanes else _row_sum(rows.transpose(0, 2, 1))[0]
    else:
        total = _general(a, axes, lanes, threads)
        if total is None:
            return None
    out = np.asarray(total).reshape(kept_shape)
    return out.reshape(tuple(1 if d in axes else n for d, n in enumerate(a.shape))) if keepdims else out


def _unsplit(cols: int, n: int, threads: int) -> bool:
    """Whether summing the rows of a contiguous (n / cols, cols) block gives the same bits as one thread
    would: below the grain size there is one thread; above it each thread's columns start at a multiple
    of 128 bytes (so the groups of four vectors fall as on one thread) unless a last piece is narrower
    than a vector (then it takes the scalar path), which `cols` >= 8 per thread rules out."""
    return n < _GRAIN or threads == 1 or cols < 32 or cols >= 8 * threads


def _run(x, lanes):
    """A full reduction of contiguous 1-D `x` on one thread: what `_reduce` computes for it, in fewer steps."""
    n = x.shape[0]
    if n < lanes:  # scalar path: row_sum, elements i < 4 into accumulator i, the rest into the first
        return np.cumsum(x if n <= _ILP else x[_SCALAR_ORDER[n]])[-1] + x.dtype.type(0)
    width = _ILP * lanes
    vecs = n // lanes
    rows = vecs // _ILP
    if rows >= 256:  # chunks of chunks of rows: the whole cascade
        p = _multi_row_sum(x[:rows * width].reshape(1, rows, width))[0]
    elif rows >= 16:  # chunks of 16 rows, their sums added in order; the rows after them first
        chunks = rows // 16
        p = np.add.reduce(np.add.reduce(x[:chunks * 16 * width].reshape(chunks, 16, width), axis=1), axis=0)
        if rows > chunks * 16:
            p = np.add.reduce(x[chunks * 16 * width:rows * width].reshape(-1, width), axis=0) + p
    elif rows:  # one level: a running sum of the rows
        p = np.add.reduce(x[:rows * width].reshape(rows, width), axis=0)
    if not rows:
        first = np.add.reduce(x[:vecs * lanes].reshape(vecs, lanes), axis=0)
    elif vecs > rows * _ILP:  # the vectors after the last row go into the first accumulator, then the others
        first = np.add.reduce(np.concatenate([p[:lanes], x[rows * width:vecs * lanes], p[lanes:]]).reshape(-1, lanes),
                              axis=0)
    else:
        first = np.add.reduce(p.reshape(_ILP, lanes), axis=0)
    tail = x[vecs * lanes:]
    return np.cumsum(np.concatenate([tail, first]) if tail.size else first)[-1] + x.dtype.type(0)


_SCALAR_ORDER = {n: [0] + list(range(_ILP, n)) + list(range(1, _ILP)) for n in range(_ILP + 1, 16)}


def _general(a, axes, lanes, threads):
    """Any other reduction, through TensorIterator's dims and the kernel's 2-D loop."""
    item = a.itemsize
    if any(st % item or (st == 0 and n > 1) for st, n in zip(a.strides, a.shape)):
        return None  # broadcast (stride 0) or odd strides: not as PyTorch stores a tensor
    reduced = [d in axes for d in range(a.ndim)]
    dims = _iterator_dims(a.shape, [st // item for st in a.strides], reduced)
    if not dims or not dims[0][2]:  # only size-1 dims reduced: PyTorch adds each value to a zero
        return a + a.dtype.type(0)
    v = _view(a, dims)
    if a.size < _GRAIN or threads == 1:  # parallel_reduce's serial case
        return _reduce(v, dims, lanes)
    if all(d[2] for d in dims):
        return _two_pass(v, dims[0], lanes, threads) if len(dims) == 1 else None  # (multi-dim ranges: not written)
    return _split(v, dims, lanes, threads)


def _view(a, dims):
    """`a` seen as TensorIterator walks it: axes (dim n-1, ..., dim 1, dim 0)."""
    item = a.itemsize
    return np.lib.stride_tricks.as_strided(a, shape=[d[0] for d in reversed(dims)],
                                           strides=[d[1] * item for d in reversed(dims)], writeable=False)


def _reduce(v, dims, lanes):
    """One thread's pass (serial_for_each) over view `v`: a 2-D block per index of the outer dims, each
    block's sums added into the output (`*out += sum`) in the order the outer dims are walked. Returns
    the output with the kept dims as axes, outermost first."""
    if len(dims) == 1:
        v = v[None]
        dims = dims + [[1, 0, False]]
    outer = [d[0] for d in reversed(dims[2:])]
    blocks = v.reshape(-1, dims[1][0], dims[0][0])
    sums = _loop2d(blocks, (dims[0][1], dims[1][1]), lanes)  # (batch, size1)
    sums = sums.reshape(outer + [dims[1][0]])  # axes: dims n-1 .. 2, then dim 1
    order = list(reversed(dims[1:]))  # the dim of each axis of `sums`
    kept = [i for i, d in enumerate(order) if not d[2]]
    red = [i for i, d in enumerate(order) if d[2]]
    sums = np.transpose(sums, red + kept)
    flat = sums.reshape((-1,) + tuple(sums.shape[len(red):]))
    return _seq(flat, 0)  # the output starts at 0 and takes each block's sum in walking order


def _two_pass(v, dim, lanes, threads):
    """A full reduction past the grain size (two_pass_reduction): each thread sums its own slice of the
    range into its own zeroed slot, then the slots are summed as one more reduction."""
    n = dim[0]
    used = min(threads, -(-n // _GRAIN))
    chunk = -(-n // used)
    slots = np.zeros(threads, v.dtype)
    for t in range(used):
        part = v[t * chunk:min(n, (t + 1) * chunk)]
        if part.size:
            slots[t] = _run(part, lanes) if dim[1] == 1 else _reduce(part, [[part.size, dim[1], True]], lanes).reshape(())
    return _run(slots, lanes)


def _split(v, dims, lanes, threads):
    """parallel_dim_reduction: the outermost kept dim at least as long as the thread count (else the
    longest) is cut into one range per thread, rounded to 128 bytes where its elements are adjacent;
    each range reduced on its own. Where a cut falls decides which kernel path its columns take."""
    split = best = len(dims) - 1
    for i in range(len(dims) - 1, -1, -1):  # find_split_dim
        if dims[i][2]:
            split = best
            break
        if dims[i][0] >= threads:
            split = i
            break
        if dims[i][0] > dims[best][0]:
            best = i
    else:
        split = best
    cols = dims[split][0]
    used = min(threads, cols)
    chunk = -(-cols // used)
    multiple = 128 // v.itemsize if dims[split][1] == 1 else 0
    axis = len(dims) - 1 - split  # the split dim's axis in `v`
    out_axis = sum(1 for i in range(split + 1, len(dims)) if not dims[i][2])  # ... and in each result
    pieces = []
    for t in range(used):
        begin, end = t * chunk, min(cols, (t + 1) * chunk)
        if begin >= cols:
            continue
        if multiple:
            begin -= begin % multiple
            end = end if end == cols else end - end % multiple
        if begin == end:
            continue
        sub = [list(d) for d in dims]
        sub[split][0] = end - begin
        pieces.append(_reduce(v[(slice(None),) * axis + (slice(begin, end),)], sub, lanes))
    return np.concatenate(pieces, axis=out_axis)
