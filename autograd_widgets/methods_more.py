"""Torch functions and Tensor methods of the op families added beside the first ones (ops/bitwise.py,
extrema.py, cumulative.py, moments.py, binary_math.py, unary_more.py, special.py, rearrange.py, joining.py,
index_ops.py, counting.py, quantiles.py, integrals.py), with PyTorch's keyword names; `bind()` puts the
methods on Tensor, `torch_functions()` gives the torch-level names."""
from . import creation_more, type_info
from .methods_forms import in_place
from .ops import (binary_math as BM, bitwise, counting as CN, cumulative as CU, extrema as EX, index_ops as IX,
                  integrals as IN, joining as J, moments as MO, pointwise as P, quantiles as QU, rearrange as RA,
                  special as SP, unary_more as UM)
from .tensor import Tensor

# name -> function(input, ...): a torch function and a Tensor method
FUNCTIONS = {
    "amax": EX.amax, "amin": EX.amin, "aminmax": EX.aminmax, "median": EX.median, "nanmedian": EX.nanmedian,
    "mode": EX.mode, "kthvalue": EX.kthvalue, "cumprod": CU.cumprod, "cummax": CU.cummax, "cummin": CU.cummin,
    "logcumsumexp": CU.logcumsumexp, "nansum": MO.nansum, "nanmean": MO.nanmean,
    "atan2": BM.atan2, "arctan2": BM.arctan2, "hypot": BM.hypot, "logaddexp": BM.logaddexp, "fmax": BM.fmax,
    "fmin": BM.fmin, "lerp": BM.lerp, "addcmul": BM.addcmul, "addcdiv": BM.addcdiv, "float_power": BM.float_power,
    "xlogy": lambda input, other: P.XlogyBackward0.apply(input, other),
    "asinh": UM.AsinhBackward0.apply, "acosh": UM.AcoshBackward0.apply, "atanh": UM.AtanhBackward0.apply,
    "arcsinh": UM.AsinhBackward0.apply, "arccosh": UM.AcoshBackward0.apply, "arctanh": UM.AtanhBackward0.apply,
    "deg2rad": UM.Deg2RadBackward0.apply, "rad2deg": UM.Rad2DegBackward0.apply, "nan_to_num": UM.nan_to_num,
    "signbit": UM.signbit, "isposinf": UM.isposinf, "isneginf": UM.isneginf, "isreal": UM.isreal,
    "roll": RA.roll, "rot90": RA.rot90, "flipud": RA.flipud, "fliplr": RA.fliplr, "movedim": RA.movedim,
    "moveaxis": RA.movedim, "swapaxes": RA.swapaxes, "swapdims": RA.swapaxes, "broadcast_to": RA.broadcast_to,
    "tile": RA.tile, "repeat_interleave": RA.repeat_interleave, "take_along_dim": RA.take_along_dim,
    "diff": RA.diff, **bitwise.FUNCTIONS,
    "gcd": CN.gcd, "lcm": CN.lcm, "bincount": CN.bincount, "histc": CN.histc, "histogram": CN.histogram,
    "unique_consecutive": CN.unique_consecutive,
    "take": J.take, "msort": J.msort, "unflatten": J.unflatten, "tensor_split": J.tensor_split, "hsplit": J.hsplit,
    "vsplit": J.vsplit, "dsplit": J.dsplit, "scatter_add": IX.scatter_add, "index_add": IX.index_add,
    "index_copy": IX.index_copy, "quantile": QU.quantile, "nanquantile": QU.nanquantile,
    "cov": IN.cov, "corrcoef": IN.corrcoef, "erfinv": SP.ErfinvBackward0.apply, "lgamma": SP.LgammaBackward0.apply,
    "digamma": SP.DigammaBackward0.apply,
}
IN_PLACE = ("cumprod", "atan2", "arctan2", "hypot", "lerp", "addcmul", "addcdiv", "xlogy", "deg2rad", "rad2deg",
            "nan_to_num", "scatter_add", "index_add", "index_copy", "erfinv", "lgamma", "digamma")
# in-place forms PyTorch records a node of their own for (whose backward it lacks)
IN_PLACE_NODES = {"asinh": UM.AsinhBackward1.apply, "acosh": UM.AcoshBackward1.apply,
                  "atanh": UM.AtanhBackward1.apply}
# torch-level only
TORCH_ONLY = {
    "subtract": P.sub, "multiply": P.mul, "true_divide": P.div, "is_floating_point": lambda input:
    input.is_floating_point(), "var_mean": MO.var_mean, "std_mean": MO.std_mean, "meshgrid": RA.meshgrid,
    "atleast_1d": RA.atleast_1d, "atleast_2d": RA.atleast_2d, "atleast_3d": RA.atleast_3d,
    "result_type": type_info.result_type, "promote_types": type_info.promote_types, "can_cast": type_info.can_cast,
    "logspace": creation_more.logspace, "empty_strided": creation_more.empty_strided, "dstack": J.dstack, "column_stack": J.column_stack,
    "cartesian_prod": J.cartesian_prod, "searchsorted": CN.searchsorted, "bucketize": CN.bucketize,
    "triu_indices": CN.triu_indices, "tril_indices": CN.tril_indices, "trapezoid": IN.trapezoid, "trapz": IN.trapz,
    "cumulative_trapezoid": IN.cumulative_trapezoid, "polygamma": SP.polygamma,
}
TYPES = {"finfo": type_info.finfo, "iinfo": type_info.iinfo}  # classes: left as they are (no keyword layer)
# PyTorch's keyword names (keywords.SIGNATURES' format)
SIGNATURES = {
    **{n: ("input", "other") for n in ("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
                                       "bitwise_right_shift", "atan2", "arctan2", "hypot", "logaddexp", "fmax",
                                       "fmin", "xlogy")},
    **{n: ("input", "dim", "keepdim") for n in ("amax", "amin", "median", "nanmedian", "mode", "nansum", "nanmean")},
    **{n: ("input", "dim") for n in ("cumprod", "cummax", "cummin", "logcumsumexp", "var_mean", "std_mean")},
    "kthvalue": ("input", "k", "dim", "keepdim"), "lerp": ("input", "end", "weight"),
    "addcmul": ("input", "tensor1", "tensor2"), "addcdiv": ("input", "tensor1", "tensor2"),
    "float_power": ("input", "exponent"), "nan_to_num": ("input", "nan", "posinf", "neginf"),
    "roll": ("input", "shifts", "dims"), "rot90": ("input", "k", "dims"),
    "movedim": ("input", "source", "destination"), "moveaxis": ("input", "source", "destination"),
    "swapaxes": ("input", "axis0", "axis1"), "swapdims": ("input", "dim0", "dim1"), "broadcast_to": ("input", "size"),
    "tile": ("input", "dims"), "repeat_interleave": ("input", "repeats", "dim"),
    "take_along_dim": ("input", "indices", "dim"), "diff": ("input", "n", "dim", "prepend", "append"),
    "gcd": ("input", "other"), "lcm": ("input", "other"), "bincount": ("input", "weights", "minlength"),
    "histc": ("input", "bins", "min", "max"), "histogram": ("input", "bins"), "take": ("input", "index"), "unflatten": ("input", "dim", "sizes"),
    "tensor_split": ("input", "indices_or_sections", "dim"), "hsplit": ("input", "indices_or_sections"),
    "vsplit": ("input", "indices_or_sections"), "dsplit": ("input", "indices_or_sections"),
    "scatter_add": ("input", "dim", "index", "src"), "index_add": ("input", "dim", "index", "source"),
    "index_copy": ("input", "dim", "index", "source"), "dstack": ("tensors",), "column_stack": ("tensors",),
    "searchsorted": ("sorted_sequence", "input"), "bucketize": ("input", "boundaries"),
    "quantile": ("input", "q", "dim", "keepdim"), "nanquantile": ("input", "q", "dim", "keepdim"),
    "trapezoid": ("y", "x"), "trapz": ("y", "x"), "cumulative_trapezoid": ("y", "x"),
}


def bind() -> None:
    for name, fn in FUNCTIONS.items():
        setattr(Tensor, name, fn)
    for name, method in BM.METHODS.items():  # their TypeError counts positions from the method's first argument
        setattr(Tensor, name, method)
    for name in IN_PLACE:
        setattr(Tensor, name + "_", in_place(BM.IN_PLACE_FORMS.get(name, FUNCTIONS[name])))
    for name, fn in IN_PLACE_NODES.items():
        setattr(Tensor, name + "_", in_place(fn))
        setattr(Tensor, "arc" + name[1:] + "_", getattr(Tensor, name + "_"))
    float_power_ = in_place(BM.float_power)

    def float_power_checked(self, exponent):
        BM.float_power_in_place_check(self)
        return float_power_(self, exponent)
    Tensor.float_power_ = float_power_checked
    bitwise.bind(Tensor)
    Tensor.gcd_, Tensor.lcm_ = bitwise.in_place(CN.gcd), bitwise.in_place(CN.lcm)
    Tensor.polygamma = lambda self, n: SP.polygamma(n, self)  # the method takes n alone; the function n first
    Tensor.polygamma_ = in_place(SP.polygamma_in_place)


def torch_functions() -> dict:
    return dict(FUNCTIONS, **TORCH_ONLY)
