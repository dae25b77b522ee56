# Source: Dive into Deep Learning, "Numerical Stability and Initialization" (PyTorch tab),
#   https://d2l.ai/chapter_multilayer-perceptrons/numerical-stability-and-init.html
# Changed: the plot of sigmoid's gradient is printed at a few points; torch.manual_seed(0) added.
import torch

torch.manual_seed(0)

x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))
print(y.detach()[::20])
print(x.grad[::20])

M = torch.normal(0, 1, size=(4, 4))
print('a single matrix \n', M)
for i in range(100):
    M = M @ torch.normal(0, 1, size=(4, 4))

print('after multiplying 100 matrices\n', M)
