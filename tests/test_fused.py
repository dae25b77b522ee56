"""fused.fma32 rounds a*b + c once to float32, as the FMA instructions of PyTorch's CPU kernels do: checked
against exact rational arithmetic (random values, and the double-rounding cases a float64 sum gets wrong),
and the optimizers' `add_(b, alpha=a)` against PyTorch's, bit for bit."""
from fractions import Fraction

import numpy as np
import pytest

from autograd_widgets.fused import fma32
from autograd_widgets.optim import _ops


def _round_to_float32(exact: Fraction) -> np.float32:
    """The float32 nearest to `exact`, ties to even: picked among the neighbours of a first guess."""
    guess = np.float32(float(exact))
    candidates = [np.nextafter(guess, np.float32(-np.inf)), guess, np.nextafter(guess, np.float32(np.inf))]
    return min(candidates, key=lambda f: (abs(Fraction(float(f)) - exact), int(np.array(f).view(np.int32)) & 1))


# a = 2**-24 * (1 + 2**-11), b = 1 - 2**-11 + 2**-22: a*b + 1 = 1 + 2**-24 + 2**-57 sits just above the float32
# midpoint 1 + 2**-24; the float64 sum drops the 2**-57 and lands on the midpoint, which then rounds to even (1.0).
# The last case sits just below a midpoint whose even neighbour is the upper one.
DOUBLE_ROUNDING = [(2.0 ** -24 * (1 + 2.0 ** -11), 1 - 2.0 ** -11 + 2.0 ** -22, 1.0),
                   (-(2.0 ** -24) * (1 + 2.0 ** -11), 1 - 2.0 ** -11 + 2.0 ** -22, -1.0),
                   (2.0 ** -24 * (1 - 2.0 ** -11), 1 + 2.0 ** -11 + 2.0 ** -22, 1 + 2.0 ** -23)]


def _cases():
    rng = np.random.default_rng(0)
    out = [tuple(np.float32(v) for v in case) for case in DOUBLE_ROUNDING]
    for scale in (1.0, 1e-30, 1e-40, 1e30):  # 1e-40: float32 subnormal results
        a, b, c = (rng.standard_normal(300).astype(np.float32) for _ in range(3))
        out += zip(a * np.float32(scale), b, c * np.float32(scale))
    return out


def test_fma32_rounds_once_like_exact_arithmetic():
    a, b, c = (np.array(v, dtype=np.float32) for v in zip(*_cases()))
    expected = [_round_to_float32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
                for x, y, z in zip(a, b, c)]
    assert fma32(a, b, c).view(np.int32).tolist() == np.array(expected, dtype=np.float32).view(np.int32).tolist()


def test_the_double_rounding_cases_are_ones_a_float64_sum_gets_wrong():
    """Guards the cases above: without a fused rounding they would come out differently."""
    for a, b, c in DOUBLE_ROUNDING:
        once = fma32(np.float32(a), np.float32(b), np.float32(c))
        twice = np.float32(np.float64(np.float32(a)) * np.float64(np.float32(b)) + np.float64(np.float32(c)))
        assert once != twice


def test_optimizer_add_with_alpha_matches_pytorch_bit_for_bit():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    for alpha, b, c in DOUBLE_ROUNDING + [(float(np.float32(0.01)), None, None), (float(np.float32(-0.3)), None, None)]:
        bs = np.full(64, b, np.float32) if b is not None else rng.standard_normal(64).astype(np.float32)
        cs = np.full(64, c, np.float32) if c is not None else rng.standard_normal(64).astype(np.float32)
        ours = _ops.add_(cs.copy(), bs, alpha=alpha)
        theirs = torch.from_numpy(cs.copy()).add_(torch.from_numpy(bs), alpha=alpha).numpy()
        assert ours.view(np.int32).tolist() == theirs.view(np.int32).tolist()
