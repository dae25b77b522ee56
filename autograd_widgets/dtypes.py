"""PyTorch's dtypes and its type-promotion rules, over the backend's array dtypes."""
from . import backend as B


class dtype:
    """A tensor element type, printed as PyTorch prints it (`torch.float32`)."""
    __slots__ = ("name", "array_dtype", "is_floating_point", "is_signed", "itemsize", "_legacy")

    def __init__(self, name, array_dtype, legacy):
        self.name = name
        self.array_dtype = B.host_dtype(array_dtype)
        self.is_floating_point = self.array_dtype.kind == "f"
        self.is_signed = self.array_dtype.kind in "fi"
        self.itemsize = self.array_dtype.itemsize
        self._legacy = legacy

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))

    @property
    def is_complex(self):
        return False


float32 = dtype("float32", B.float32, "FloatTensor")
float64 = dtype("float64", B.float64, "DoubleTensor")
float16 = dtype("float16", B.float16, "HalfTensor")
int64 = dtype("int64", B.int64, "LongTensor")
int32 = dtype("int32", B.int32, "IntTensor")
int16 = dtype("int16", B.int16, "ShortTensor")
int8 = dtype("int8", B.int8, "CharTensor")
uint8 = dtype("uint8", B.uint8, "ByteTensor")
bool = dtype("bool", B.bool_, "BoolTensor")  # noqa: A001 - PyTorch's name
ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool)
_FROM_ARRAY = {d.array_dtype: d for d in ALL}
_DEFAULT_FLOAT = float32


def _by_name(name):
    return globals()[name]


def of_array(a):
    """The dtype of array `a`; arrays of other types are converted by `coerce_array`."""
    return _FROM_ARRAY[a.dtype]


# The C++ type names (typeid) some of PyTorch's checks print where others print scalar_name: 'signed char', 'long int'
CPP_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "bool": "bool", "int8": "signed char",
             "uint8": "unsigned char", "int16": "short int", "int32": "int", "int64": "long int"}


def scalar_name(d) -> str:
    """ATen's name of dtype (or array dtype) `d` in its dispatch and check errors: 'Float', 'Long', 'Bool'."""
    d = d if isinstance(d, dtype) else _FROM_ARRAY[B.host_dtype(d)]
    return d._legacy[:-len("Tensor")]


def coerce_array(a):
    """`a` with a dtype PyTorch would give it (e.g. NumPy's float64 default kept; int32 kept)."""
    if a.dtype in _FROM_ARRAY:
        return a
    kind = a.dtype.kind
    target = float64 if kind == "f" else int64 if kind in "iu" else bool if kind == "b" else None
    if target is None:
        raise TypeError(f"can't convert array of type {a.dtype} to a tensor; supported: float, int and bool")
    return a.astype(target.array_dtype)


def default_float():
    return _DEFAULT_FLOAT


def set_default_dtype(d):
    global _DEFAULT_FLOAT
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _DEFAULT_FLOAT = d


def get_default_dtype():
    return _DEFAULT_FLOAT


def _category(d):
    return 2 if d.kind == "f" else 1 if d.kind in "iu" else 0


def scalar_category(x):
    return 0 if isinstance(x, (type(True), B.bool_)) else 1 if isinstance(x, int) else 2


def promote_types(a, b):
    """PyTorch's promotion of two array dtypes: a higher category wins outright (int64 + float32 is float32)."""
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    return B.promote_types(a, b)


def result_type(*operands):
    """The array dtype PyTorch gives an op over `operands` (arrays with their 0-dim-ness, or Python scalars).

    PyTorch ranks operands by kind: dimensioned tensors, then 0-dim tensors, then Python
    scalars; a lower rank changes the result only if its category (bool < int < float) is higher.
    """
    best = [None, None, None]  # per rank: promoted array dtype
    scalar_cat = -1
    for x in operands:
        if isinstance(x, (int, float)):
            scalar_cat = max(scalar_cat, scalar_category(x))
            continue
        rank = 0 if x.ndim else 1
        best[rank] = x.dtype if best[rank] is None else promote_types(best[rank], x.dtype)
    result = best[0]
    if best[1] is not None:
        if result is None or _category(best[1]) > _category(result):
            result = best[1]
    if scalar_cat >= 0:
        if result is None or scalar_cat > _category(result):
            result = (B.host_dtype(B.bool_) if scalar_cat == 0 else B.host_dtype(B.int64) if scalar_cat == 1
                      else _DEFAULT_FLOAT.array_dtype)
    return result
