# Source: PyTorch documentation, torch.autograd.grad and torch.autograd.functional (jacobian, hessian, vjp,
#   jvp) examples, https://pytorch.org/docs/stable/autograd.html#functional-higher-level-api , and the
#   Stack Overflow answer "Compute the second derivative with torch.autograd.grad"
#   https://stackoverflow.com/questions/52986017
# Changed: the docs' torch.rand inputs seeded with torch.manual_seed(0); results printed.
import torch
from torch.autograd.functional import hessian, jacobian, jvp, vjp

torch.manual_seed(0)

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 3).sum()
(dy,) = torch.autograd.grad(y, x, create_graph=True)
print(dy)
(d2y,) = torch.autograd.grad(dy.sum(), x)
print(d2y)

a = torch.tensor(2.0, requires_grad=True)
b = a ** 4
g1 = torch.autograd.grad(b, a, create_graph=True)[0]
g2 = torch.autograd.grad(g1, a, create_graph=True)[0]
g3 = torch.autograd.grad(g2, a)[0]
print(g1, g2, g3)


def exp_reducer(x):
    return x.exp().sum(dim=1)


inputs = torch.rand(2, 2)
print(jacobian(exp_reducer, inputs))
print(jacobian(exp_reducer, inputs, create_graph=True))


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


inputs = (torch.rand(2), torch.rand(2))
print(jacobian(exp_adder, inputs))


def pow_reducer(x):
    return x.pow(3).sum()


inputs = torch.rand(2, 2)
print(hessian(pow_reducer, inputs))


def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()


inputs = (torch.rand(2), torch.rand(2))
print(hessian(pow_adder_reducer, inputs))

inputs = torch.rand(4, 4)
v = torch.ones(4)
print(vjp(exp_reducer, inputs, v))
print(jvp(exp_reducer, inputs, torch.ones(4, 4)))
