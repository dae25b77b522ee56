"""stride(), storage_offset(), data_ptr() and the other layout facts a lesson on views reads, as PyTorch's."""
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")

LAYOUTS = {
    "contiguous": lambda T: T.ones(2, 3),
    "row": lambda T: T.ones(2, 3)[1],
    "column": lambda T: T.ones(2, 3)[:, 1],
    "t": lambda T: T.ones(2, 3).t(),
    "t then row": lambda T: T.ones(2, 3).t()[2],
    "empty": lambda T: T.ones(0, 3),
    "size-1 dim": lambda T: T.ones(3, 1),
    "slice of a 1-row matrix": lambda T: T.ones(1, 3)[:, 1:],
    "column slice": lambda T: T.ones(2, 3)[:, 1:],
    "step slice": lambda T: T.ones(2, 6)[:, ::2],
    "transposed size-1": lambda T: T.ones(4, 1, 3).transpose(0, 1),
    "view then slice": lambda T: T.ones(2, 3).view(3, 2)[1:],
    "unsqueeze": lambda T: T.ones(2, 3).unsqueeze(0),
    "None index": lambda T: T.zeros(3, 4)[:, None],
    "expand": lambda T: T.ones(3).expand(2, 3),
    "expand of a slice": lambda T: T.arange(4.)[1:].expand(2, 3),
    "permute": lambda T: T.arange(24).reshape(2, 3, 4).permute(2, 0, 1),
    "contiguous of t": lambda T: T.ones(3, 2).t().contiguous(),
    "arithmetic on t": lambda T: T.ones(3, 2).t() * 2,
    "float64 narrow": lambda T: T.ones(4, 5, dtype=T.float64).narrow(1, 2, 2),
    "0-d": lambda T: T.tensor(3.0),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_layout_as_pytorch(name):
    ours, theirs = LAYOUTS[name](aw), LAYOUTS[name](torch)
    assert ours.stride() == theirs.stride()
    assert [ours.stride(d) for d in range(-ours.dim(), ours.dim())] == \
        [theirs.stride(d) for d in range(-theirs.dim(), theirs.dim())]
    assert ours.storage_offset() == theirs.storage_offset()
    assert ours.is_contiguous() == theirs.is_contiguous()
    assert (ours.nbytes, ours.itemsize, ours.is_complex(), ours.get_device(), ours.is_pinned()) == \
        (theirs.nbytes, theirs.itemsize, theirs.is_complex(), theirs.get_device(), theirs.is_pinned())


def test_data_ptr_tells_shared_memory():
    for T in (aw, torch):
        x = T.ones(2, 3)
        assert x.view(3, 2).data_ptr() == x.data_ptr() == x.detach().data_ptr()
        assert x[1].data_ptr() - x.data_ptr() == 3 * x.element_size()
        assert x.clone().data_ptr() != x.data_ptr()


def test_stride_dim_out_of_range_and_pin_memory_without_gpu():
    with pytest.raises(IndexError) as theirs:
        torch.ones(2, 3).stride(5)
    with pytest.raises(IndexError) as ours:
        aw.ones(2, 3).stride(5)
    assert str(ours.value).split("\n")[0] == str(theirs.value)
    if torch.cuda.is_available() or aw.cuda.is_available():
        pytest.skip("pin_memory's refusal is that of a machine without an accelerator")
    with pytest.raises(RuntimeError) as theirs:
        torch.ones(2).pin_memory()
    with pytest.raises(RuntimeError) as ours:
        aw.ones(2).pin_memory()
    assert str(ours.value).split("\n")[0] == str(theirs.value)


@pytest.mark.parametrize("prop", ["mT", "mH", "H", "T"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (4, 2, 3)])
def test_matrix_transposes_as_pytorch(prop, shape):
    """x.mT / x.mH / x.H / x.T: the same view, node and stride as PyTorch's, or its error."""
    import warnings

    def attempt(T):
        x = T.arange(float(max(1, int(__import__("math").prod(shape))))).reshape(shape).requires_grad_().clone()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # PyTorch's deprecation warning for 0-d and 1-d .T
                y = getattr(x, prop)
        except RuntimeError as e:
            return str(e).split("\n")[0]
        return y.tolist(), y.stride(), type(y.grad_fn).__name__
    assert attempt(aw) == attempt(torch)


def _storage_facts(T, make):
    import warnings
    t = make(T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        s = t.storage()
    u = t.untyped_storage()
    return (str(s), len(s), s.size(), str(s.dtype), s.element_size(), s.tolist(), u.nbytes(), len(u),
            s.data_ptr() == u.data_ptr(), t.storage_offset())


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_storage_lists_the_shared_block_as_pytorch_prints_it(name):
    """"Building makemore" prints a.storage() to show that view() moves no memory."""
    make = LAYOUTS[name]
    assert _storage_facts(aw, make) == _storage_facts(torch, lambda T: make(T))


def test_storage_is_shared_by_views_and_written_through():
    for T in (aw, torch):
        a = T.arange(18.0)
        v = a.view(3, 3, 2)[1:]
        assert v.untyped_storage().data_ptr() == a.untyped_storage().data_ptr()
        assert v.untyped_storage().nbytes() == 18 * 4
    e = aw.tensor([1.0, 2.0, 3.0])
    e.untyped_storage()  # no warning for the untyped one
    with pytest.warns(UserWarning, match="TypedStorage is deprecated"):
        import autograd_widgets.storage as S
        S._warned[0] = False
        s = e.storage()
    s[1] = 7.0
    assert e.tolist() == [1.0, 7.0, 3.0]
    assert isinstance(s, aw.TypedStorage) and isinstance(e.untyped_storage(), aw.UntypedStorage)
