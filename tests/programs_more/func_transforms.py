# Source: PyTorch tutorials, "Jacobians, Hessians, hvp, vhp, and more: composing function transforms"
#   https://pytorch.org/tutorials/intermediate/jacobians_hessians.html
# Changed: small sizes (D=5, Din=4, Dout=3, batch_size=6, x of 7 elements); the torch.utils.benchmark
#   timings dropped; results printed instead of only asserted; .movedim(1, 0) written as .permute(1, 0, 2).
import torch
import torch.nn.functional as F
from torch.func import jacrev, jacfwd, vmap, hessian, vjp, jvp, grad

_ = torch.manual_seed(0)


def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()


D = 5
weight = torch.randn(D, D)
bias = torch.randn(D)
x = torch.randn(D)  # feature vector


def compute_jac(xp):
    jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0]
                     for vec in unit_vectors]
    return torch.stack(jacobian_rows)


xp = x.clone().requires_grad_()
unit_vectors = torch.eye(D)

jacobian = compute_jac(xp)

print(jacobian.shape)
print(jacobian[0])  # show first row

jacobian = jacrev(predict, argnums=2)(weight, bias, x)

# confirm
assert torch.allclose(jacobian, compute_jac(xp))
print(jacobian)

ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)

# Confirm by computing the jacobians wrt the bias and weight
expected = torch.autograd.functional.jacobian(lambda weight, bias: predict(weight, bias, x), (weight, bias))
assert torch.allclose(ft_jac_weight, expected[0])
assert torch.allclose(ft_jac_bias, expected[1])
print(ft_jac_weight.shape, ft_jac_bias.shape)
print(ft_jac_bias)

Din = 4
Dout = 3
weight = torch.randn(Dout, Din)
bias = torch.randn(Dout)
x = torch.randn(Din)
jac_fwd = jacfwd(predict, argnums=2)(weight, bias, x)
jac_rev = jacrev(predict, argnums=2)(weight, bias, x)
print(jac_fwd.shape, torch.allclose(jac_fwd, jac_rev))
print(jac_fwd)

hess_api = hessian(predict, argnums=2)(weight, bias, x)
hess_fwdfwd = jacfwd(jacfwd(predict, argnums=2), argnums=2)(weight, bias, x)
hess_revrev = jacrev(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
print(torch.allclose(hess_api, hess_fwdfwd), torch.allclose(hess_api, hess_revrev))
print(hess_api.shape)
print(hess_api[0])

batch_size = 6
weight = torch.randn(Dout, Din)
bias = torch.randn(Dout)
x = torch.randn(batch_size, Din)

compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
batch_jacobian0 = compute_batch_jacobian(weight, bias, x)
print(batch_jacobian0.shape)


def predict_with_output_summed(weight, bias, x):
    return predict(weight, bias, x).sum(0)


batch_jacobian1 = jacrev(predict_with_output_summed, argnums=2)(weight, bias, x).permute(1, 0, 2)
assert torch.allclose(batch_jacobian0, batch_jacobian1)
print(batch_jacobian1[0])

compute_batch_hessian = vmap(hessian(predict, argnums=2), in_dims=(None, None, 0))
batch_hess = compute_batch_hessian(weight, bias, x)
print(batch_hess.shape)
print(batch_hess[1, 2])


def hvp(f, primals, tangents):
    return jvp(grad(f), primals, tangents)[1]


def f(x):
    return x.sin().sum()


x = torch.randn(7)
tangent = torch.randn(7)

result = hvp(f, (x,), (tangent,))
print(result)


def hvp_revrev(f, primals, tangents):
    _, vjp_fn = vjp(grad(f), *primals)
    return vjp_fn(*tangents)


result_hvp_revrev = hvp_revrev(f, (x,), (tangent,))
assert torch.allclose(result, result_hvp_revrev[0])
print(result_hvp_revrev)
print(torch.vmap(torch.dot)(torch.ones(2, 3), torch.arange(6.).view(2, 3)))
