"""The derivatives of the nodes of methods_more.py's ops, in derivatives.py's form (merged into its table)."""

_SELECTED = {"self": "value_selecting_backward(grad, dim, indices, self_sym_sizes, keepdim)"}
_SHARED = {"self": "shared_backward(grad, self, result, dim, keepdim)"}
_EVENLY = {"self": "where(self == result, grad / (self == result).sum(), 0.0)"}
_RUNNING = {"self": "scatter_add(indices.shape, dim, indices, grad)"}  # cummax/cummin: indices has self's shape
_ASINH = {"self": "grad / (self * self + 1).sqrt()"}
_ACOSH = {"self": "grad / (self * self - 1).sqrt()"}
_ATANH = {"self": "grad / (1 - self * self)"}
_POLYGAMMA = {"self": "grad * self.polygamma(n + 1)"}
_FMAX = "(self >= other).logical_or(other.isnan())"
_FMIN = "(self <= other).logical_or(other.isnan())"
_ATAN2 = "(self * self + other * other)"

MORE = {
    # --- reductions that pick, running reductions, moments -------------------------------------
    "AmaxBackward0": _SHARED, "AminBackward0": _SHARED,
    "AminmaxBackward0": {"self": "aminmax_backward(grads, self, min, max, dim, keepdim)"},
    "MedianBackward0": _EVENLY, "NanmedianBackward0": _EVENLY,
    "MedianBackward1": _SELECTED, "NanmedianBackward1": _SELECTED, "ModeBackward0": _SELECTED,
    "KthvalueBackward0": _SELECTED,
    "CumprodBackward0": {"self": "(grad * result).flip(dim).cumsum(dim).flip(dim) / self"},  # no input is 0
    "CummaxBackward0": _RUNNING, "CumminBackward0": _RUNNING,
    "LogcumsumexpBackward0": {"self": "logcumsumexp_backward(grad, self, result, dim)"},
    "VarMeanBackward0": {"self": "moments_backward(grads, self, dim, correction, keepdim)"},
    "StdMeanBackward0": {"self": "moments_backward(grads, self, dim, correction, keepdim, result0)"},
    "NansumBackward0": {"self": "where(self.isnan(), 0.0, restore_dims(grad, dim, keepdim, self.shape))"},
    # --- elementwise ------------------------------------------------------------------------------
    "Atan2Backward0": {"self": f"grad * other / {_ATAN2}", "other": f"-grad * self / {_ATAN2}"},
    "HypotBackward0": {"self": "grad * self / result", "other": "grad * other / result"},
    "LogaddexpBackward0": {"self": "grad / (1 + (other - self).exp())", "other": "grad / (1 + (self - other).exp())"},
    "FmaxBackward0": {"self": f"where({_FMAX}, grad, 0.0)", "other": f"where({_FMAX}, 0.0, grad)"},
    "FminBackward0": {"self": f"where({_FMIN}, grad, 0.0)", "other": f"where({_FMIN}, 0.0, grad)"},
    "LerpBackward0": {"self": "grad * (1 - weight)", "end": "grad * weight"},
    "LerpBackward1": {"self": "grad * (1 - weight)", "end": "grad * weight", "weight": "grad * (end - self)"},
    "AddcmulBackward0": {"self": "grad", "tensor1": "grad * tensor2 * value", "tensor2": "grad * tensor1 * value"},
    "AddcdivBackward0": {"self": "grad", "tensor1": "grad * value / tensor2",
                         "tensor2": "-grad * value * tensor1 / (tensor2 * tensor2)"},
    "AsinhBackward0": _ASINH, "AsinhBackward1": _ASINH, "AcoshBackward0": _ACOSH, "AcoshBackward1": _ACOSH,
    "AtanhBackward0": _ATANH, "AtanhBackward1": _ATANH,
    "Deg2RadBackward0": {"self": "grad * pi / 180"}, "Rad2DegBackward0": {"self": "grad * 180 / pi"},
    "NanToNumBackward0": {"self": "where(self.isfinite(), grad, 0.0)"},
    "ErfinvBackward0": {"self": "grad * pi ** 0.5 / 2 * (self.erfinv() ** 2).exp()"},
    "LgammaBackward0": {"self": "grad * self.digamma()"},
    "DigammaBackward0": {"self": "grad * self.polygamma(1)"},
    "PolygammaBackward0": _POLYGAMMA, "PolygammaBackward1": _POLYGAMMA,
    # --- moving and picking elements --------------------------------------------------------------
    "RollBackward0": {"self": "grad.roll([-s for s in shifts], dims)"},
    "Rot90Backward0": {"self": "grad.rot90(-k, dims)"},
    "TakeBackward0": {"self": "take_backward(grad, self.shape, index)"},
    "PutBackward0": {"self": "grad", "source": "grad.take(index)"},  # put_(index, source, accumulate=True)
    "IndexCopyBackward0": {"self": "grad.index_fill(dim, index, 0)", "source": "grad.index_select(dim, index)"},
    "UnsqueezeBackward1": {"self": "grad.squeeze(dim)"},
    "TransposeBackward1": {"self": "grad.transpose(dim0, dim1)"},
}
