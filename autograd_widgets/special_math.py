"""Special functions of one Python float that NumPy lacks (digamma, polygamma, erfinv, lgamma with PyTorch's
values at the poles): backend.special maps them over host arrays."""
import math

_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)  # B2, B4, ..., B16


def lgamma(x: float) -> float:
    """ln |Γ(x)|; +inf at the poles 0, -1, -2, ... (as PyTorch)."""
    if x <= 0 and x == math.floor(x):
        return math.inf
    return math.lgamma(x)


def digamma(x: float) -> float:
    """ψ(x) = Γ'(x)/Γ(x): the recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the asymptotic series.
    -inf at 0, NaN at the negative integers (as PyTorch)."""
    if math.isnan(x) or x == -math.inf:
        return math.nan
    if x == 0:
        return -math.inf
    if x < 0 and x == math.floor(x):
        return math.nan
    if x == math.inf:
        return math.inf
    shift = 0.0
    while x < 10:
        shift -= 1 / x
        x += 1
    inv2 = 1 / (x * x)
    series = sum(b / (2 * (k + 1)) * inv2 ** (k + 1) for k, b in enumerate(_BERNOULLI))
    return shift + math.log(x) - 0.5 / x - series


def trigamma(x: float) -> float:
    """ψ⁽¹⁾(x), computed as PyTorch's CPU kernel computes it (reflection below 1/2, six recurrence steps, a short
    asymptotic series: good to about 1e-10, and the same numbers as PyTorch's)."""
    sign, result = 1.0, 0.0
    if x < 0.5:
        sign = -1.0
        sin_pi_x = math.sin(math.pi * x)
        if sin_pi_x == 0:
            return math.inf
        result -= (math.pi * math.pi) / (sin_pi_x * sin_pi_x)
        x = 1 - x
    for _ in range(6):
        result += 1 / (x * x)
        x += 1
    ixx = 1 / (x * x)
    result += (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x
    return sign * result


def polygamma(n: int, x: float) -> float:
    """ψ⁽ⁿ⁾(x), the n-th derivative of digamma: trigamma as PyTorch's; n ≥ 2 by the recurrence up to x ≥ 20,
    then the asymptotic series."""
    if n == 0:
        return digamma(x)
    if n == 1 and not math.isnan(x):
        return trigamma(x)
    if math.isnan(x):
        return math.nan
    if x <= 0 and x == math.floor(x):
        return math.inf if n % 2 else math.nan
    sign = 1 if n % 2 else -1  # (-1)^(n+1)
    shift = 0.0
    while x < 20:
        shift += sign * math.factorial(n) / x ** (n + 1)
        x += 1
    total = math.factorial(n - 1) / x ** n + math.factorial(n) / (2 * x ** (n + 1))
    for k, b in enumerate(_BERNOULLI, 1):
        total += b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * x ** (2 * k + n))
    return shift + sign * total


def erfinv(y: float) -> float:
    """erf⁻¹(y): Giles' single-precision approximation, then Newton steps on math.erf. ±inf at ±1, NaN beyond."""
    if math.isnan(y) or abs(y) > 1:
        return math.nan
    if abs(y) == 1:
        return math.copysign(math.inf, y)
    w = -math.log((1 - y) * (1 + y))
    if w < 5:
        w -= 2.5
        p = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
                  0.246640727, 1.50140941):
            p = c + p * w
    else:
        w = math.sqrt(w) - 3
        p = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
                  1.00167406, 2.83297682):
            p = c + p * w
    x = p * y
    for _ in range(3):  # Newton: erf(x) − y over erf'(x) = 2/√π · e^(−x²)
        step = (math.erf(x) - y) / (2 / math.sqrt(math.pi) * math.exp(-x * x))
        if not math.isfinite(step):
            break
        x -= step
    return x
