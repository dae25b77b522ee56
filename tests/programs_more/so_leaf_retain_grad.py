# Source: Stack Overflow, "What is the purpose of `is_leaf`?" https://stackoverflow.com/questions/65532022
#   and "Why does .grad return None for intermediate tensors / retain_grad"
#   https://stackoverflow.com/questions/65532022 , PyTorch docs torch.Tensor.is_leaf example
#   https://pytorch.org/docs/stable/generated/torch.Tensor.is_leaf.html
# Changed: torch.rand(10) with a seed; the docs' .cuda() lines are skipped (no GPU); values printed.
import warnings

import torch

warnings.simplefilter("ignore")  # accessing .grad of a non-leaf warns; the answers only look at the value
torch.manual_seed(0)

a = torch.rand(10, requires_grad=True)
print(a.is_leaf)
b = torch.rand(10, requires_grad=True) + 2
print(b.is_leaf)
c = torch.rand(10)
print(c.is_leaf, c.requires_grad)
e = torch.rand(10).requires_grad_()
print(e.is_leaf)
f = a.detach()
print(f.is_leaf, f.requires_grad)

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
z = y.mean()
y.retain_grad()
z.backward()
print(x.grad, y.grad, z.grad)
print(y.grad_fn, z.grad_fn.next_functions)
print(x.grad_fn, y.requires_grad, y.is_leaf)

x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
grads = []
y.register_hook(lambda g: grads.append(g))
h = x.register_hook(lambda g: g * 10)
y.backward()
print(x.grad, grads)
h.remove()
x.grad.zero_()
(x ** 3).backward()
print(x.grad)

with torch.no_grad():
    w = x * 2
print(w.requires_grad, w.grad_fn)
d = x.detach()
d.add_(1)
print(x, d)
x.grad = None
print(x.grad)
