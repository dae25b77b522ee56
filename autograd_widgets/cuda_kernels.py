"""Elementwise kernels of our own for CuPy arrays, where CuPy's own cost a training step time.

Two kinds. ElementwiseKernels for the fused backward formulas (tanh_backward, ...), on arrays of any layout:
one launch where the formula would take one per operation, and a temporary the size of the tensor for each.
And RawKernels (`binary`, `unary`) for large contiguous float32/float64 arrays: CuPy's kernels handle one
element per thread and reach ~40% of the memory bandwidth PyTorch's vectorised kernels reach on an H200
(0.32 ms against 0.13 ms for tanh of 67M floats); these load 16 bytes per thread (4 floats, 2 doubles) where
the arrays allow it, and also serve a bias broadcast along leading dimensions (x @ W + b) without
materialising it. Small arrays keep CuPy's kernels, whose launch costs the CPU less (RAW_MIN).

Each formula is written as ATen's CUDA kernel writes it, so NVRTC contracts it as nvcc does (`1 - y * y` is
one fused multiply-add) and the bits are PyTorch CUDA's. backend.py builds this from CuPy when it loads CuPy
(this module names no array library); a method answers None where it has no kernel, and the op then runs its
formula through the array library.
"""
from types import ModuleType
from typing import Any, Optional

Array = Any  # a CuPy ndarray

# name -> (inputs, body: `r = f(x[, y])` in C, T the element type)
FORMULAS = {
    "add": (2, "r = x + y;"),
    "sub": (2, "r = x - y;"),
    "mul": (2, "r = x * y;"),
    "tanh_backward": (2, "r = x * (T(1) - y * y);"),      # tanh_backward(grad_output=x, output=y)
    "sigmoid_backward": (2, "r = x * (T(1) - y) * y;"),   # sigmoid_backward(grad_output=x, output=y)
    "tanh": (1, "r = tanh(x);"),
}
_COMMUTATIVE = ("add", "mul")
_TYPES = {"float32": ("float", "float4", 4), "float64": ("double", "double2", 2)}  # C type, 16-byte vector of it
_LANES = ("x", "y", "z", "w")
_BLOCK = 256
# Below this many elements a RawKernel launch (~15 µs of CPU on an H200's host, measured) costs more than
# CuPy's ufunc (~9 µs) and the GPU's time is too short for bandwidth to matter: the library's kernel runs.
RAW_MIN = 1 << 20

# PyTorch's trigamma (ATen's calc_trigamma): reflection below 1/2, six recurrence steps, a short series
_TRIGAMMA = """
    const T PI = 3.14159265358979323846;
    T v = x, sign = 1, result = 0;
    if (v < T(0.5)) {
        sign = -1;
        const T sin_pi_x = sin(PI * v);
        result -= (PI * PI) / (sin_pi_x * sin_pi_x);
        v = 1 - v;
    }
    for (int i = 0; i < 6; ++i) {
        result += 1 / (v * v);
        v += 1;
    }
    const T one = T(1);
    const T ixx = 1 / (v * v);
    result += (1 + 1 / (2 * v) + ixx * (one / 6 - ixx * (one / 30 - ixx * (one / 42)))) / v;
    out = sign * result;
"""


def _source(fname, name, ctype, vtype, width, index, row):
    """CUDA C of one grid-stride kernel: out[i] = f(a[i], b[i or i % m]) over n elements of vtype."""
    arity, body = FORMULAS[name]
    lanes = _LANES[:width] if width > 1 else ("",)
    dot = (lambda c: "." + c) if width > 1 else (lambda c: "")
    lines = []
    for c in lanes:
        y = f"yv{dot(c)}" if arity == 2 else "T(0)"
        lines.append(f"{{ T x = xv{dot(c)}; T y = {y}; T r; {body} rv{dot(c)} = r; }}")
    b_param = "const V* __restrict__ b, " if arity == 2 else ""
    b_load = (f"V yv = b[{'i % m' if row else 'i'}];" if arity == 2 else "")
    return f"""
typedef {ctype} T;
typedef {vtype} V;
extern "C" __global__ void {fname}(const V* __restrict__ a, {b_param}V* __restrict__ out, long long n_, long long m_) {{
    const {index} n = ({index})n_, m = ({index})m_;
    (void)m;
    for ({index} i = ({index})blockIdx.x * blockDim.x + threadIdx.x; i < n; i += ({index})gridDim.x * blockDim.x) {{
        V xv = a[i]; {b_load} V rv;
        {" ".join(lines)}
        out[i] = rv;
    }}
}}
"""


class Kernels:
    """The kernels of array namespace `xp` (CuPy), each compiled by it on first use."""

    def __init__(self, xp: ModuleType):
        k = xp.ElementwiseKernel
        self._elementwise = {name: k("T x, T y", "T r", FORMULAS[name][1], f"aw_{name}")  # any layout
                             for name in ("tanh_backward", "sigmoid_backward")}
        self._threshold_backward = k("T g, S x", "T out", "out = x <= S(0) ? T(0) : g", "aw_threshold_backward")
        self._trigamma = k("T x", "T out", _TRIGAMMA, "aw_trigamma")
        self._xp = xp
        self._array = xp.ndarray
        self._types = {xp.dtype(name): (name,) + types for name, types in _TYPES.items()}
        self._floats = tuple(self._types)
        self.raw_min = RAW_MIN
        self.unary_names = frozenset(n for n, (arity, _) in FORMULAS.items() if arity == 1)
        self._raw = {}  # (name, dtype, vectorised, 64-bit index, row) -> RawKernel
        self.raw_enabled = True  # off: every op through CuPy's own functions (benchmarks compare the two)
        try:
            props = xp.cuda.runtime.getDeviceProperties(xp.cuda.runtime.getDevice())
            self._max_blocks = 32 * int(props["multiProcessorCount"])
        except Exception:  # a stand-in namespace (tests) has no device
            self._max_blocks = 4096

    # --- fused backward formulas, any layout -------------------------------------------------------
    def _backward_formula(self, name: str, g: Array, y: Array) -> Optional[Array]:
        """FORMULAS[name](g, y) in one launch: the raw kernel where `binary` takes the arrays, else the
        ElementwiseKernel of the same formula; None for arrays of other types or dtypes."""
        if type(g) is not self._array or g.dtype != y.dtype or g.dtype not in self._floats:
            return None
        out = self.binary(name, g, y)
        return self._elementwise[name](g, y) if out is None else out

    def tanh_backward(self, g: Array, y: Array) -> Optional[Array]:
        """g·(1 − y²), ATen's tanh_backward(grad_output, output)."""
        return self._backward_formula("tanh_backward", g, y)

    def sigmoid_backward(self, g: Array, y: Array) -> Optional[Array]:
        """g·(1 − y)·y, ATen's sigmoid_backward(grad_output, output)."""
        return self._backward_formula("sigmoid_backward", g, y)

    def threshold_backward(self, g: Array, x: Array) -> Optional[Array]:
        """0 where x <= 0, else g (NaN in x passes g): ATen's threshold_backward(grad_output, self, 0)."""
        ok = type(g) is self._array and g.dtype in self._floats and x.dtype.kind == "f"
        return self._threshold_backward(g, x) if ok else None

    def trigamma(self, x: Array) -> Optional[Array]:
        """ψ⁽¹⁾(x) as ATen computes it (CuPy's polygamma(1, x) is off by ~5e-10 relative)."""
        return self._trigamma(x) if type(x) is self._array and x.dtype in self._floats else None

    # --- light launches on large contiguous arrays ---------------------------------------------------
    def binary(self, name: str, a: Array, b: Array) -> Optional[Array]:
        """FORMULAS[name](a, b) for C-contiguous arrays of one float dtype, of at least `raw_min` elements, where b
        has a's shape or a's trailing shape (a bias; for add and mul either operand may be the smaller); else
        None."""
        if type(b) is not self._array or type(a) is not self._array or not self.raw_enabled:
            return None
        if a.size < self.raw_min and b.size < self.raw_min:  # most calls: small arrays, CuPy's kernels
            return None
        dt = a.dtype
        if dt is not b.dtype and dt != b.dtype or dt not in self._floats:
            return None
        if a.shape != b.shape:
            if a.size < b.size and name in _COMMUTATIVE:
                a, b = b, a
            if b.ndim > a.ndim or a.shape[a.ndim - b.ndim:] != b.shape:
                return None
        if a.size < self.raw_min or b.size == 0 or not (a.flags.c_contiguous and b.flags.c_contiguous):
            return None
        return self._launch(name, dt, a.shape, a, b, b.size if a.size != b.size else 0)

    def unary(self, name: str, a: Array) -> Optional[Array]:
        """FORMULAS[name](a) for a C-contiguous float32/float64 array of at least `raw_min` elements; else None."""
        if type(a) is not self._array or a.size < self.raw_min or not self.raw_enabled or name not in FORMULAS \
                or a.dtype not in self._floats or not a.flags.c_contiguous:
            return None
        return self._launch(name, a.dtype, a.shape, a, None, 0)

    def _launch(self, name, dt, shape, a, b, m):
        n = a.size
        dtype_name, ctype, vtype, width = self._types[dt]
        vector = n % width == 0 and m % width == 0 and a.data.ptr % 16 == 0 and \
            (b is None or b.data.ptr % 16 == 0)
        if vector:
            n, m = n // width, m // width
        wide = n + self._max_blocks * _BLOCK >= 2 ** 31  # (the loop's last step must not overflow an int)
        key = (name, dt, vector, wide, bool(m))
        kernel = self._raw.get(key)
        if kernel is None:
            fname = "aw_{}_{}{}{}{}".format(name, dtype_name, "_v" if vector else "", "_l" if wide else "",
                                             "_row" if m else "")
            src = _source(fname, name, ctype, vtype if vector else ctype, width if vector else 1,
                          "long long" if wide else "int", bool(m))
            kernel = self._raw[key] = self._xp.RawKernel(src, fname)
        out = self._xp.empty(shape, dt)
        blocks = min((n + _BLOCK - 1) // _BLOCK, self._max_blocks)
        kernel((blocks,), (_BLOCK,), (a, out, n, m) if b is None else (a, b, out, n, m))
        return out
