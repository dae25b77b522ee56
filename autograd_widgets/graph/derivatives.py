"""The derivative each backward function applies, by node name, as PyTorch's derivatives.yaml writes
them but readable: `{input: formula}`, the formula a Python expression of

- `grad` (the gradient arriving at the node; `grads[i]` for a node with several outputs),
- what the node saved, by the names PyTorch gives them (`self`, `other`, `result`, `dim`, ... read
  from `_saved_<name>`),
- the functions of derivative_ops.py (`where`, `sum_to`, `restore_dims`, ...) and tensor methods.

An entry's "where" holds names defined first (read as "where xhat = ..."). So every formula is
also a program: explain.py evaluates it against the node's saved tensors.

DOUBLE: a node that differentiates another node's formula (`GeluBackwardBackward0`) names that node
and which of its own inputs stand for the other's names; its derivative is the derivative of
that formula, along the arriving grads. DESCRIBED: nodes whose derivative is not one formula
(a custom Function's own backward, an in-place write's CopySlices, ...), in words.
"""
from .derivative_ops import pi  # noqa: F401  (named in formulas)
from .derivatives_more import MORE

_REDUCE = "mean_count(reduction, self.numel())"   # 'mean' divides by the element count

DERIVATIVES = {
    # --- arithmetic ---------------------------------------------------------------------
    "AddBackward0": {"self": "grad", "other": "grad * alpha"},
    "AddBackward1": {"self": "grad"},
    "SubBackward0": {"self": "grad", "other": "-grad * alpha"},
    "SubBackward1": {"self": "grad"},
    "RsubBackward0": {"self": "-grad * alpha", "other": "grad"},
    "RsubBackward1": {"self": "-grad * alpha"},
    "MulBackward0": {"self": "grad * other", "other": "grad * self"},
    "MulBackward1": {"self": "grad * other"},
    "DivBackward0": {"self": "grad / other", "other": "-grad * self / (other * other)"},
    "DivBackward1": {"self": "grad / other"},
    "DivBackward2": {"self": "zeros_like(grad)", "other": "zeros_like(grad)"},
    "XlogyBackward0": {"self": "where((self == 0).logical_and(other <= 0), 0.0, grad * log(other))",
                       "other": "grad * self / other"},
    "NegBackward0": {"self": "-grad"},
    "ReciprocalBackward0": {"self": "-grad * result * result"},
    "PowBackward0": {"self": "grad * exponent * self ** (exponent - 1)"},
    "PowBackward1": {"self": "where(exponent == 0, 0.0, grad * exponent * self ** (exponent - 1))",
                     "exponent": "grad * where((self == 0).logical_and(exponent >= 0), 0.0, result * log(self))"},
    "PowBackward2": {"exponent": "grad * result * log(self)"},
    "RemainderBackward0": {"self": "grad"},
    "RemainderBackward1": {"self": "grad", "other": "-grad * (self / other).floor()"},
    "FmodBackward0": {"self": "grad"},
    "FmodBackward1": {"self": "grad", "other": "-grad * (self / other).trunc()"},
    # --- elementwise functions ------------------------------------------------------------
    "ExpBackward0": {"self": "grad * result"},
    "Exp2Backward0": {"self": "grad * result * log(2)"},
    "Expm1Backward0": {"self": "grad * (result + 1)"},
    "LogBackward0": {"self": "grad / self"},
    "Log2Backward0": {"self": "grad / (self * log(2))"},
    "Log10Backward0": {"self": "grad / (self * log(10))"},
    "Log1PBackward0": {"self": "grad / (self + 1)"},
    "SqrtBackward0": {"self": "grad / (2 * result)"},
    "RsqrtBackward0": {"self": "-0.5 * grad * result ** 3"},
    "SinBackward0": {"self": "grad * self.cos()"},
    "CosBackward0": {"self": "-grad * self.sin()"},
    "TanBackward0": {"self": "grad * (1 + result * result)"},
    "AsinBackward0": {"self": "grad / (1 - self * self).sqrt()"},
    "AcosBackward0": {"self": "-grad / (1 - self * self).sqrt()"},
    "AtanBackward0": {"self": "grad / (1 + self * self)"},
    "SinhBackward0": {"self": "grad * self.cosh()"},
    "CoshBackward0": {"self": "grad * self.sinh()"},
    "TanhBackward0": {"self": "grad * (1 - result * result)"},
    "SigmoidBackward0": {"self": "grad * result * (1 - result)"},
    "ErfBackward0": {"self": "grad * 2 / pi ** 0.5 * (-self * self).exp()"},
    "LogitBackward0": {"self": "grad / (self * (1 - self)) if eps is None else "
                               "where(between(self, eps, 1 - eps), grad / (self * (1 - self)), 0.0)"},
    "AbsBackward0": {"self": "grad * self.sgn()"},
    "SgnBackward0": {"self": "zeros_like(grad)"},
    "SignBackward0": {"self": "zeros_like(grad)"},
    "FloorBackward0": {"self": "zeros_like(grad)"},
    "CeilBackward0": {"self": "zeros_like(grad)"},
    "TruncBackward0": {"self": "zeros_like(grad)"},
    "RoundBackward0": {"self": "zeros_like(grad)"},
    "RoundBackward1": {"self": "zeros_like(grad)"},
    "FracBackward0": {"self": "grad"},
    "CloneBackward0": {"self": "grad"},
    "AliasBackward0": {"self": "grad"},
    "Identity": {"self": "grad"},  # forward_ad.unpack_dual's primal: an alias
    "ToCopyBackward0": {"self": "grad.to(self_dtype)"},
    "CopyBackwards": {"self": "zeros_like(grad)", "src": "grad"},
    "FillBackward2": {"self": "zeros_like(grad)"},
    "FillBackward3": {"self": "zeros_like(grad)", "value": "grad.sum()"},
    "ZeroBackward0": {"self": "zeros_like(grad)"},
    "MaskedFillBackward0": {"self": "where(mask, 0.0, grad)"},
    "MaskedFillBackward1": {"self": "where(mask, 0.0, grad)", "value": "where(mask, grad, 0.0).sum()"},
    "WhereBackward0": {"self": "where(condition, grad, 0.0)", "other": "where(condition, 0.0, grad)"},
    "MaximumBackward0": {"self": "where(self == other, grad / 2, where(self > other, grad, 0.0))",
                         "other": "where(self == other, grad / 2, where(other > self, grad, 0.0))"},
    "MinimumBackward0": {"self": "where(self == other, grad / 2, where(self < other, grad, 0.0))",
                         "other": "where(self == other, grad / 2, where(other < self, grad, 0.0))"},
    "ClampBackward0": {"self": "where(between(self, min, max), grad, 0.0)",
                       "min": "where(below(self, min, max), grad, 0.0)",
                       "max": "where(above(self, min, max), grad, 0.0)"},
    "ClampBackward1": {"self": "where(between(self, min, max), grad, 0.0)"},
    "ClampMinBackward0": {"self": "where(self >= min, grad, 0.0)"},
    "ClampMinBackward1": {"self": "where(self >= min, grad, 0.0)", "min": "where(self < min, grad, 0.0)"},
    "ClampMaxBackward0": {"self": "where(self <= max, grad, 0.0)"},
    "ClampMaxBackward1": {"self": "where(self <= max, grad, 0.0)", "max": "where(self > max, grad, 0.0)"},
    # --- activations ------------------------------------------------------------------------
    "ReluBackward0": {"self": "where(result > 0, grad, 0.0)"},
    "ThresholdBackwardBackward0": {"grad_output": "where(self > threshold, grad, 0.0)", "self": "zeros_like(grad)"},
    "LeakyReluBackward0": {"self": "where(self > 0, grad, grad * negative_slope)"},
    "LeakyReluBackward1": {"self": "where(result > 0, grad, grad * negative_slope)"},
    "EluBackward0": {"self": "where(self > 0, grad * scale, grad * input_scale * alpha * scale * (self * input_scale).exp())"},
    "EluBackward1": {"self": "where(result > 0, grad * scale, grad * input_scale * (result + alpha * scale))"},
    "CeluBackward0": {"self": "where(self > 0, grad, grad * (self / alpha).exp())"},
    "CeluBackward1": {"self": "where(result > 0, grad, grad * (result / alpha + 1))"},
    "GeluBackward0": {
        "where": {"cdf": "0.5 * (1 + (self / 2 ** 0.5).erf())", "pdf": "(-0.5 * self * self).exp() / (2 * pi) ** 0.5",
                  "t": "((2 / pi) ** 0.5 * (self + 0.044715 * self ** 3)).tanh()"},
        "self": "grad * (cdf + self * pdf) if approximate == 'none' else "
                "grad * (0.5 * (1 + t) + 0.5 * self * (1 - t * t) * (2 / pi) ** 0.5 * (1 + 3 * 0.044715 * self * self))"},
    "SiluBackward0": {"self": "grad * self.sigmoid() * (1 + self * (1 - self.sigmoid()))"},
    "SoftplusBackward0": {"self": "where(self * beta > threshold, grad, grad * (self * beta).sigmoid())"},
    "HardtanhBackward0": {"self": "where((self > min_val).logical_and(self < max_val), grad, 0.0)"},
    "HardswishBackward0": {"self": "where(self < -3, 0.0, where(self <= 3, grad * (self / 3 + 0.5), grad))"},
    "LogSigmoidBackward0": {"self": "grad * (-self).sigmoid()"},
    "SoftshrinkBackward0": {"self": "where(self.abs() > lambd, grad, 0.0)"},
    "HardshrinkBackward0": {"self": "where(self.abs() > lambd, grad, 0.0)"},
    "PreluKernelBackward0": {"self": "where(self > 0, grad, grad * per_channel(weight, self))",
                             "weight": "where(self > 0, 0.0, self * grad)"},
    "TanhBackwardBackward0": {"grad_output": "grad * (1 - output * output)",
                              "output": "-2 * grad * grad_output * output"},
    "SigmoidBackwardBackward0": {"grad_output": "grad * output * (1 - output)",
                                 "output": "grad * grad_output * (1 - 2 * output)"},
    # --- products ----------------------------------------------------------------------------
    "MmBackward0": {"self": "grad @ mat2.t()", "mat2": "self.t() @ grad"},
    "AddmmBackward0": {"self": "grad * beta", "mat1": "alpha * grad @ mat2.t()", "mat2": "alpha * mat1.t() @ grad"},
    "MvBackward0": {"self": "grad.outer(vec)", "vec": "self.t() @ grad"},
    "DotBackward0": {"self": "grad * tensor", "tensor": "grad * self"},
    "BmmBackward0": {"self": "grad @ mat2.transpose(1, 2)", "mat2": "self.transpose(1, 2) @ grad"},
    "AddmvBackward0": {"self": "grad * beta", "mat": "alpha * grad.outer(vec)", "vec": "alpha * mat.t() @ grad"},
    "BaddbmmBackward0": {"self": "grad * beta", "batch1": "alpha * grad @ batch2.transpose(1, 2)",
                         "batch2": "alpha * batch1.transpose(1, 2) @ grad"},
    "VdotBackward0": {"self": "grad * other", "other": "grad * self"},
    "LinalgCrossBackward0": {"self": "other.cross(grad, dim)", "other": "grad.cross(self, dim)"},
    # --- matrix functions (real matrices) -----------------------------------------------------------
    "TraceBackward0": {"self": "trace_backward(grad, self_sym_sizes)"},
    "DiagonalBackward0": {"self": "diagonal_backward(grad, self_sym_sizes, offset, dim1, dim2)"},
    "DiagonalBackward0_copy": {"self": "diagonal_backward(grad, self_sym_sizes, offset, dim1, dim2)"},
    "DiagonalBackwardBackward0": {"grad_output": "grad.diagonal(offset, dim1, dim2)"},
    "DiagEmbedBackward0": {"self": "grad.diagonal(offset, dim1, dim2)"},
    "LinalgDetBackward0": {"A": "(grad * result).unsqueeze(-1).unsqueeze(-1) * A.inverse().mT"},  # A invertible
    "LinalgSlogdetBackward0": {"A": "grads[1].unsqueeze(-1).unsqueeze(-1) * A.inverse().mT"},
    "LinalgInvExBackward0": {"A": "-A_inv.mT @ grad @ A_inv.mT"},  # A_inv: the saved inverse (result)
    "LinalgSolveExBackward0": {
        "where": {"gB": "solve(A.mT, grad)"},
        "A": "-(gB.unsqueeze(-1) * result.unsqueeze(-2)) if result.dim() == A.dim() - 1 else -gB @ result.mT",
        "B": "gB"},
    "LinalgPinvBackward0": {"self": "pinv_backward(grad, result, self)"},
    "LinalgLstsqBackward0": {  # b a vector: the same with g and b as columns
        "where": {"vector": "b.dim() == self.dim() - 1", "pinvA": "self.pinverse()",
                  "g": "grads[0].unsqueeze(-1) if vector else grads[0]", "B_": "b.unsqueeze(-1) if vector else b"},
        "self": "pinv_backward(g @ B_.mT, pinvA, self)",
        "b": "(pinvA.mT @ g).squeeze(-1) if vector else pinvA.mT @ g"},
    "LinalgSvdBackward0": {"A": "linalg_svd_backward(grads, U, S, Vh)"},
    "LinalgQrBackward0": {"A": "qr_backward(grads[0], grads[1], Q, R, mode)"},
    "LinalgEighBackward0": {"A": "eigh_backward(grads[0], grads[1], eigenvalues, eigenvectors)"},
    "LinalgCholeskyExBackward0": {"self": "cholesky_backward(grad.mT, L.mT) if upper else cholesky_backward(grad, L)"},
    "CholeskyBackward0": {"self": "cholesky_backward(grad.mT, result.mT) if upper else cholesky_backward(grad, result)"},
    # --- reductions ----------------------------------------------------------------------------
    "SumBackward0": {"self": "grad.expand(self_sym_sizes)"},
    "SumBackward1": {"self": "restore_dims(grad, dim, keepdim, self_sym_sizes).expand(self_sym_sizes)"},
    "MeanBackward0": {"self": "grad.expand(self_sym_sizes) / count(self_sym_sizes)"},
    "MeanBackward1": {"self": "restore_dims(grad, dim, keepdim, self_sym_sizes).expand(self_sym_sizes) "
                              "/ count(self_sym_sizes, dim)"},
    "MaxBackward1": {"self": "where(self == result, grad / (self == result).sum(), 0.0)"},
    "MinBackward1": {"self": "where(self == result, grad / (self == result).sum(), 0.0)"},
    "MaxBackward0": {"self": "value_selecting_backward(grad, dim, indices, self_sym_sizes, keepdim)"},
    "MinBackward0": {"self": "value_selecting_backward(grad, dim, indices, self_sym_sizes, keepdim)"},
    "SortBackward0": {"self": "value_selecting_backward(grads[0], dim, indices, self_sym_sizes, True)"},
    "SortBackward1": {"self": "value_selecting_backward(grads[0], dim, indices, self_sym_sizes, True)"},
    "TopkBackward0": {"self": "value_selecting_backward(grads[0], dim, indices, self_sym_sizes, True)"},
    "ProdBackward0": {"self": "grad * result / self"},
    "ProdBackward1": {"self": "restore_dims(grad * result, dim, keepdim, self.shape) / self"},
    "LogsumexpBackward0": {"self": "restore_dims(grad, dim, keepdim, self.shape) "
                                   "* (self - restore_dims(result, dim, keepdim, self.shape)).exp()"},
    "VarBackward0": {"self": "restore_dims(grad, dim, keepdim, self.shape) * 2 * centered(self, dim) "
                             "/ (count(self.shape, dim) - correction)"},
    "StdBackward0": {"self": "restore_dims(grad / result, dim, keepdim, self.shape) * centered(self, dim) "
                             "/ (count(self.shape, dim) - correction)"},
    "LinalgVectorNormBackward0": {
        "where": {"g": "restore_dims(grad, dim, keepdim, self.shape)", "norm": "restore_dims(result, dim, keepdim, self.shape)"},
        "self": "g * self * self.abs() ** (ord - 2) / norm ** (ord - 1) if ord not in (inf, -inf) else "
                "g * self.sgn() * (self.abs() == norm) / (self.abs() == norm).sum(dim, keepdim=True)"},
    "CumsumBackward0": {"self": "grad.flip(dim).cumsum(dim).flip(dim)"},
    "SoftmaxBackward0": {"self": "result * (grad - (grad * result).sum(dim, keepdim=True))"},
    "LogSoftmaxBackward0": {"self": "grad - result.exp() * grad.sum(dim, keepdim=True)"},
    "SoftmaxBackwardDataBackward0": {
        "grad_output": "output * (grad - (grad * output).sum(dim, keepdim=True))",
        "output": "grad * (grad_output - (grad_output * output).sum(dim, keepdim=True)) "
                  "- grad_output * (grad * output).sum(dim, keepdim=True)"},
    "LogSoftmaxBackwardDataBackward0": {
        "grad_output": "grad - (grad * output.exp()).sum(dim, keepdim=True)",
        "output": "-grad_output.sum(dim, keepdim=True) * output.exp() * grad"},
    # --- shapes and views ------------------------------------------------------------------------
    "ViewBackward0": {"self": "grad.reshape(self_sym_sizes)"},
    "UnsafeViewBackward0": {"self": "grad.reshape(self_sym_sizes)"},
    "ReshapeAliasBackward0": {"self": "grad.reshape(self_sym_sizes)"},
    "SqueezeBackward0": {"self": "unsqueeze_all(grad, dim)"},
    "SqueezeBackward1": {"self": "unsqueeze_all(grad, dim)"},
    "SqueezeBackward2": {"self": "unsqueeze_all(grad, dim)"},
    "SqueezeBackward3": {"self": "unsqueeze_all(grad, dim)"},  # squeeze_(): in place
    "SqueezeBackward4": {"self": "unsqueeze_all(grad, dim)"},
    "SqueezeBackward5": {"self": "unsqueeze_all(grad, dim)"},
    "UnsqueezeBackward0": {"self": "grad.squeeze(dim)"},
    "TBackward0": {"self": "grad.t()"},
    "TBackward1": {"self": "grad.t()"},  # t_(): in place
    "TransposeBackward0": {"self": "grad.transpose(dim0, dim1)"},
    "TransposeBackward1": {"self": "grad.transpose(dim0, dim1)"},
    "PermuteBackward0": {"self": "grad.permute(inverse(dims))"},
    "ExpandBackward0": {"self": "sum_to(grad, self_sym_sizes)"},
    "FlipBackward0": {"self": "grad.flip(dims)"},
    "StackBackward0": {"tensors": "grad.unbind(dim)"},
    "CatBackward0": {"tensors": "grad.split(sizes, dim)"},
    "UnbindBackward0": {"self": "stack(grads, dim)"},
    "SplitBackward0": {"self": "cat(grads, dim)"},
    "SplitWithSizesBackward0": {"self": "cat(grads, dim)"},
    "UnsafeSplitBackward0": {"self": "cat(grads, dim)"},
    "SelectBackward0": {"self": "select_backward(grad, self_sym_sizes, dim, index)"},
    "SelectBackwardBackward0": {"grad_output": "grad.select(dim, index)"},
    "SliceBackward0": {"self": "slice_backward(grad, self_sym_sizes, dim, start, end, step)"},
    "UnfoldBackward0": {"self": "unfold_backward(grad, self_sym_sizes, dimension, size, step)"},
    "UnfoldBackwardBackward0": {"grad_in": "grad.unfold(dim, size, step)"},
    "SliceBackwardBackward0": {"grad_output": "take_slice(grad, dim, start, end, step)"},
    "IndexBackward0": {"self": "index_backward(grad, self_sym_sizes, indices)"},
    "IndexPutBackward0": {"self": "grad if accumulate else zeroed_at(grad, indices)", "values": "read_at(grad, indices)"},
    "IndexPutImplBackward0": {"self": "grad if accumulate else zeroed_at(grad, indices)",
                              "values": "read_at(grad, indices)"},
    "IndexSelectBackward0": {"self": "index_select_backward(grad, self_sym_sizes, dim, index)"},
    "IndexFillBackward0": {"self": "grad.index_fill(dim, index, 0)"},
    "IndexFillBackward1": {"self": "grad.index_fill(dim, index, 0)",
                           "value": "grad.index_select(dim, index.unique()).sum()"},
    "IndexAddBackward0": {"self": "grad", "source": "grad.index_select(dim, index) * alpha"},
    "GatherBackward0": {"self": "scatter_add(self_sym_sizes, dim, index, grad)"},
    "ScatterAddBackward0": {"self": "grad", "src": "grad.gather(dim, index)"},
    "ScatterBackward0": {"self": "grad.scatter(dim, index, 0.0)", "src": "grad.gather(dim, index)"},
    "ScatterBackward1": {"self": "grad.scatter(dim, index, 0.0)"},
    "MaskedSelectBackward0": {"self": "masked_select_backward(grad, self_sym_sizes, mask)"},
    "MaskedScatterBackward0": {"source": "grad.masked_select(mask)"},
    "TrilBackward0": {"self": "grad.tril(diagonal)"},
    "TriuBackward0": {"self": "grad.triu(diagonal)"},
    "RepeatBackward0": {"self": "repeat_backward(grad, repeats, input_shape)"},
    "ConstantPadNdBackward0": {"self": "padded(grad, [-p for p in pad], 'constant')"},
    # --- layers ----------------------------------------------------------------------------------
    "ConvolutionBackward0": {
        "input": "conv_input_backward(grad, input, weight, stride, padding, dilation, groups, transposed, output_padding)",
        "weight": "conv_weight_backward(grad, input, weight, stride, padding, dilation, groups, transposed, output_padding)",
        "bias": "grad.sum(dims_except(grad, 1))"},
    "ConvolutionBackwardBackward0": {  # grads: those of grad_input, grad_weight, grad_bias
        "grad_output": "convolution(grads[0], weight, grads[2], stride, padding, dilation, groups, transposed, "
                       "output_padding) + convolution(input, grads[1], None, stride, padding, dilation, groups, "
                       "transposed, output_padding)",
        "input": "conv_input_backward(grad_output, input, grads[1], stride, padding, dilation, groups, transposed, "
                 "output_padding)",
        "weight": "conv_weight_backward(grad_output, grads[0], weight, stride, padding, dilation, groups, transposed, "
                  "output_padding)"},
    "EmbeddingBackward0": {"weight": "embedding_backward(grad, indices, weight_sym_argsize_0, padding_idx, scale_grad_by_freq)"},
    "EmbeddingDenseBackwardBackward0": {"grad_output": "embedding_rows(grad, indices, padding_idx)"},
    "MaxPool2DWithIndicesBackward0": {"self": "max_pool_backward(grad, self, result1)"},
    "AdaptiveMaxPool2DBackward0": {"self": "max_pool_backward(grad, self, result1)"},
    "MaxPool2DWithIndicesBackwardBackward0": {"grad_output": "at_maxima(grad, indices)", "self": "0 * grad.sum()"},
    "AdaptiveMaxPool2DBackwardBackward0": {"grad_output": "at_maxima(grad, indices)", "self": "0 * grad.sum()"},
    "AvgPool2DBackward0": {"self": "add_back_to_windows(grad / divisor, self, kernel_size, stride, padding, ceil_mode)"},
    "AdaptiveAvgPool2DBackward0": {"self": "adaptive_avg_pool_backward(grad, self)"},
    "MkldnnRnnLayerBackward0": {  # grads: those of output, hy, cy
        name: f"lstm_layer_backward(grads, input, weight0, weight1, weight2, weight3, hx_, cx_, reverse)[{i}]"
        for i, name in enumerate(("input", "weight0", "weight1", "weight2", "weight3", "hx_", "cx_"))},
    "NativeLayerNormBackward0": {
        "where": {"R": "tuple(range(input.dim() - len(normalized_shape), input.dim()))",
                  "B": "tuple(range(input.dim() - len(normalized_shape)))",
                  "rstd": "(centered(input, R).pow(2).mean(R, keepdim=True) + eps) ** -0.5",
                  "xhat": "centered(input, R) * rstd", "gw": "grad * (1.0 if weight is None else weight)"},
        "input": "rstd * (gw - gw.mean(R, keepdim=True) - xhat * (gw * xhat).mean(R, keepdim=True))",
        "weight": "(grad * xhat).sum(B)",
        "bias": "grad.sum(B)"},
    "NativeBatchNormBackward0": {
        "where": {"R": "dims_except(input, 1)",
                  "mean": "input.mean(R, keepdim=True) if training else per_channel(running_mean, input)",
                  "invstd": "(centered(input, R).pow(2).mean(R, keepdim=True) + eps) ** -0.5 if training "
                            "else per_channel((running_var + eps) ** -0.5, input)",
                  "xhat": "(input - mean) * invstd", "gw": "grad * per_channel(weight, input)"},
        "input": "invstd * (gw - gw.mean(R, keepdim=True) - xhat * (gw * xhat).mean(R, keepdim=True)) "
                 "if training else gw * invstd",
        "weight": "(grad * xhat).sum(R)",
        "bias": "grad.sum(R)"},
    # --- losses ------------------------------------------------------------------------------------
    "MseLossBackward0": {"self": f"2 * (self - target) * grad / {_REDUCE}",
                         "target": f"-2 * (self - target) * grad / {_REDUCE}"},
    "HuberLossBackward0": {
        "where": {"d": "self - target"},
        "self": f"where(d.abs() <= delta, d, delta * d.sgn()) * grad / {_REDUCE}",
        "target": f"-where(d.abs() <= delta, d, delta * d.sgn()) * grad / {_REDUCE}"},
    "SmoothL1LossBackward0": {
        "where": {"d": "self - target"},
        "self": f"where(d.abs() < beta, d / beta, d.sgn()) * grad / {_REDUCE}",
        "target": f"-where(d.abs() < beta, d / beta, d.sgn()) * grad / {_REDUCE}"},
    "SoftMarginLossBackward0": {"self": f"-target * grad / (1 + (target * self).exp()) / {_REDUCE}"},
    "BinaryCrossEntropyBackward0": {
        "where": {"w": "1.0 if weight is None else weight"},
        "self": f"grad * w * (self - target) / (self * (1 - self)).clamp(min=1e-12) / {_REDUCE}",
        "target": f"grad * w * ((1 - self).log() - self.log()) / {_REDUCE}"},
    "BinaryCrossEntropyWithLogitsBackward0": {
        "where": {"w": "1.0 if weight is None else weight", "pw": "1.0 if pos_weight is None else pos_weight"},
        "self": f"grad * w * ((pw * target + 1 - target) * self.sigmoid() - pw * target) / {_REDUCE}",
        "target": f"grad * w * (log(1 - self.sigmoid()) - pw * log(self.sigmoid())) / {_REDUCE}"},
    "NllLossBackward0": {
        "self": "-per_sample(grad, self) * picked(target, self, ignore_index) * per_channel(weight, self) "
                "/ mean_count(reduction, total_weight)"},
    "NllLoss2DBackward0": {
        "self": "-per_sample(grad, self) * picked(target, self, ignore_index) * per_channel(weight, self) "
                "/ mean_count(reduction, total_weight)"},
    # --- upsampling: out = A_h · x · A_wᵀ per channel, A the interpolation matrix of each dim ---------
    **{f"Upsample{mode}1DBackward0": {"self": "grad @ A"} for mode in ("Nearest", "NearestExact", "Linear", "Bilinear")},
    **{f"Upsample{mode}2DBackward0": {"self": "A_h.t() @ grad @ A_w"}
       for mode in ("Nearest", "NearestExact", "Linear", "Bilinear")},
    **{f"Upsample{mode}1DBackwardBackward0": {"grad_output": "grad @ A.t()"}
       for mode in ("Nearest", "NearestExact", "Linear", "Bilinear")},
    **{f"Upsample{mode}2DBackwardBackward0": {"grad_output": "A_h @ grad @ A_w.t()"}
       for mode in ("Nearest", "NearestExact", "Linear", "Bilinear")},
    # --- padding that copies edges: the transpose adds each copy's grad back to its cell ----------
    **{f"{kind}Pad{d}DBackward0": {"self": f"pad_backward(grad, self, padding, {mode!r})"}
       for kind, mode in (("Reflection", "reflect"), ("Replication", "replicate")) for d in (1, 2, 3)},
    **{f"{kind}Pad{d}DBackwardBackward0": {"grad_output": f"padded(grad, padding, {mode!r})", "self": "0 * grad.sum()"}
       for kind, mode in (("Reflection", "reflect"), ("Replication", "replicate")) for d in (1, 2, 3)},
    "AvgPool2DBackwardBackward0": {"grad_output": "window_sum(grad, kernel_size, stride, padding, ceil_mode) / divisor",
                                   "self": "0 * grad.sum()"},
    "AdaptiveAvgPool2DBackwardBackward0": {"grad_output": "adaptive_avg_pool2d(grad, output_size)",
                                           "self": "0 * grad.sum()"},
    "NllLossBackwardBackward0": {"grad_output": "nll_loss(grad, target, weight, reduction, ignore_index)",
                                 "self": "0 * grad.sum()"},
}
DERIVATIVES["NllLoss2DBackwardBackward0"] = DERIVATIVES["NllLossBackwardBackward0"]
DERIVATIVES.update(MORE)  # bitwise-and-friends' ops (methods_more.py): amax, median, atan2, roll, ...
# x.gt_(y), x.eq_(0), ...: an in-place comparison of a tensor that requires grad (methods_forms.py), as PyTorch's
for _cmp in ("Eq", "Ne", "Gt", "Ge", "Lt", "Le"):
    DERIVATIVES[f"{_cmp}Backward0"] = {"self": "zeros_like(grad)"}
    DERIVATIVES[f"{_cmp}Backward1"] = {"self": "zeros_like(grad)", "other": "zeros_like(grad)"}

# name: (the node whose formula it differentiates, {its input: the name in that formula})
DOUBLE = {
    "GeluBackwardBackward0": ("GeluBackward0", {"grad_output": "grad", "self": "self"}),
    "LeakyReluBackwardBackward0": ("LeakyReluBackward0", {"grad_output": "grad", "self": "self"}),
    "EluBackwardBackward0": ("EluBackward0", {"grad_output": "grad", "self": "self"}),
    "EluBackwardBackward0 is_result": ("EluBackward1", {"grad_output": "grad", "self": "result"}),
    "SoftplusBackwardBackward0": ("SoftplusBackward0", {"grad_output": "grad", "self": "self"}),
    "HardtanhBackwardBackward0": ("HardtanhBackward0", {"grad_output": "grad", "self": "self"}),
    "HardswishBackwardBackward0": ("HardswishBackward0", {"grad_output": "grad", "self": "self"}),
    "LogSigmoidBackwardBackward0": ("LogSigmoidBackward0", {"grad_output": "grad", "self": "self"}),
    "SoftshrinkBackwardBackward0": ("SoftshrinkBackward0", {"grad_output": "grad", "self": "self"}),
    "HardshrinkBackwardBackward0": ("HardshrinkBackward0", {"grad_output": "grad", "self": "self"}),
    "PreluKernelBackwardBackward0": ("PreluKernelBackward0", {"grad_output": "grad", "self": "self", "weight": "weight"}),
    "NativeLayerNormBackwardBackward0": ("NativeLayerNormBackward0",
                                         {"grad_out": "grad", "input": "input", "weight": "weight"}),
    "NativeBatchNormBackwardBackward0": ("NativeBatchNormBackward0",
                                         {"grad_out": "grad", "input": "input", "weight": "weight"}),
    "MseLossBackwardBackward0": ("MseLossBackward0", {"grad_output": "grad", "self": "self", "target": "target"}),
    "HuberLossBackwardBackward0": ("HuberLossBackward0", {"grad_output": "grad", "self": "self", "target": "target"}),
    "SmoothL1LossBackwardBackward0": ("SmoothL1LossBackward0",
                                      {"grad_output": "grad", "self": "self", "target": "target"}),
    "SoftMarginLossBackwardBackward0": ("SoftMarginLossBackward0", {"grad_output": "grad", "self": "self"}),
    "BinaryCrossEntropyBackwardBackward0": ("BinaryCrossEntropyBackward0",
                                            {"grad_output": "grad", "self": "self", "target": "target"}),
}

DESCRIBED = {
    "AccumulateGrad": {"variable": "variable.grad += grad  (the sum of every gradient that reaches this leaf)"},
    "CopySlices": {"self": "grad, with the written part's gradient sent instead to the write's own node",
                   "src": "that node's formula, applied to the written part of grad"},
    "AsStridedBackward0": {"self": "grad, added back onto the elements of the base tensor that the strided view read"},
    "BackwardHookFunctionBackward": {"input": "grad, unchanged (module backward hooks read it here)"},
    "BackwardCFunction": {"input": "your Function's backward(ctx, grad): the formula you wrote"},
    "NotImplemented": {"self": "not differentiable: PyTorch has no derivative for this op"},
    "Error": {"input": "not differentiable again: the Function's backward is @once_differentiable"},
}
