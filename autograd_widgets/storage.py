"""`Tensor.storage()` and `untyped_storage()`: the one block of memory a tensor and all its views share.

"Building makemore" prints `a.storage()` to show that `view` changes no memory: PyTorch lists every
element of the block, one per line, then names the storage and its size. The block is the array at
the root of the tensor's chain of NumPy views, read in memory order.
"""
import warnings

from . import backend as B
from . import dtypes

np = B.namespace("cpu")  # a storage is listed from host memory

_REMOVAL = ("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only "
            "storage class. This should only matter to you if you are using storages directly.  To access "
            "UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()")
_warned = [False]


def _in_memory_order(root):
    """The root's elements as a 1-D view in the order they lie in memory."""
    host = B.to_host(root) if not isinstance(root, np.ndarray) else root
    if host.flags.c_contiguous or host.flags.f_contiguous:
        return host.reshape(-1, order="F" if not host.flags.c_contiguous else "C")
    return host.ravel(order="K")


def _listing(storage, info):
    """PyTorch's str of a storage: each element on its own line, then a line that names the storage."""
    return " " + "\n ".join(str(x) for x in storage.tolist()) + "\n" + info


class UntypedStorage:
    """The bytes of a tensor's memory block."""

    def __init__(self, root):
        self._root = root

    @property
    def device(self):
        from .device import of_type
        return of_type(B.device_of(self._root))

    def _bytes(self):
        return _in_memory_order(self._root).view(np.uint8)

    def nbytes(self):
        return int(self._root.nbytes)

    size = nbytes

    def __len__(self):
        return self.nbytes()

    def data_ptr(self):
        return int(B.address_of(self._root))

    def tolist(self):
        return self._bytes().tolist()

    def __getitem__(self, i):
        return int(self._bytes()[i])

    def __iter__(self):
        return iter(self.tolist())

    def element_size(self):
        return 1

    def is_shared(self):
        return False

    def __str__(self):
        return _listing(self, f"[torch.storage.UntypedStorage(device={self.device}) of size {len(self)}]")

    __repr__ = __str__


class TypedStorage(UntypedStorage):
    """A tensor's memory block read as elements of its dtype (PyTorch deprecates it, and warns once)."""

    @property
    def dtype(self):
        return dtypes.of_array(self._root)

    def _elements(self):
        return _in_memory_order(self._root)

    def size(self):
        return int(self._root.size)

    def __len__(self):
        return self.size()

    def element_size(self):
        return int(self._root.itemsize)

    def tolist(self):
        return self._elements().tolist()

    def __getitem__(self, i):
        return self._elements()[i].item()

    def __setitem__(self, i, value):
        flat = self._elements()
        if not np.shares_memory(flat, self._root):
            raise RuntimeError("this storage is not laid out in one block; write through the tensor instead")
        flat[i] = value

    def fill_(self, value):
        self._elements()[...] = value
        return self

    def untyped(self):
        return UntypedStorage(self._root)

    def __str__(self):
        return _listing(self, f"[torch.storage.TypedStorage(dtype={self.dtype}, device={self.device}) of size "
                              f"{len(self)}]")

    __repr__ = __str__


def typed_storage_of(tensor) -> TypedStorage:
    """tensor.storage(), with PyTorch's deprecation warning the first time."""
    if not _warned[0]:
        _warned[0] = True
        warnings.warn(_REMOVAL, UserWarning, stacklevel=3)
    return TypedStorage(B.memory_root(tensor._data))


def untyped_storage_of(tensor) -> UntypedStorage:
    return UntypedStorage(B.memory_root(tensor._data))
