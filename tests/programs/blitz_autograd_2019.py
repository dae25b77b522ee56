# Source: "Autograd: Automatic Differentiation" (Deep Learning with PyTorch: A 60 Minute Blitz),
#   PyTorch Tutorials 1.x, https://pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html
#   (pytorch/tutorials beginner_source/blitz/autograd_tutorial.py before its 2020 rewrite)
# Changed: torch.manual_seed(0) added (the tutorial's randn calls are unseeded).
import torch

torch.manual_seed(0)

# Create a tensor and set requires_grad=True to track computation with it
x = torch.ones(2, 2, requires_grad=True)
print(x)

# Do a tensor operation:
y = x + 2
print(y)

# y was created as a result of an operation, so it has a grad_fn.
print(y.grad_fn)

# Do more operations on y
z = y * y * 3
out = z.mean()

print(z, out)

# .requires_grad_( ... ) changes an existing Tensor's requires_grad flag in-place.
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)

# Gradients
out.backward()
print(x.grad)

# Now let's take a look at an example of vector-Jacobian product:
x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)

v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)

print(x.grad)

# You can also stop autograd from tracking history on Tensors
# with .requires_grad=True by wrapping the code block in with torch.no_grad():
print(x.requires_grad)
print((x ** 2).requires_grad)

with torch.no_grad():
    print((x ** 2).requires_grad)

# Or by using .detach() to get a new Tensor with the same content but that does not require gradients:
print(x.requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())
