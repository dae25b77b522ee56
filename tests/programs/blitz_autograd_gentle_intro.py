# Source: "A Gentle Introduction to torch.autograd" (Deep Learning with PyTorch: A 60 Minute Blitz),
#   PyTorch Tutorials, https://pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html
#   (pytorch/tutorials beginner_source/blitz/autograd_tutorial.py)
# Changed: the first section (a pretrained torchvision resnet18 on a random image) is left out: it needs
#   torchvision and downloaded weights. The notebook's bare expressions are printed. The frozen-model
#   section is kept with a small nn.Sequential standing in for resnet18 (its `model.fc` replaced by a
#   fresh nn.Linear as in the tutorial); torch.manual_seed(0) added for that model.
import torch

# Differentiation in Autograd
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)

Q = 3*a**3 - b**2

external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)

# check if collected gradients are correct
print(9*a**2 == a.grad)
print(-2*b == b.grad)
print(a.grad, b.grad)
print(Q)

# Exclusion from the DAG
x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)

a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")

from torch import nn, optim

torch.manual_seed(0)
model = nn.Sequential()
model.body = nn.Linear(8, 512)
model.fc = nn.Linear(512, 1000)

# Freeze all the parameters in the network
for param in model.parameters():
    param.requires_grad = False

model.fc = nn.Linear(512, 10)

# Optimize only the classifier
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
print([name for name, p in model.named_parameters() if p.requires_grad])
out = model(torch.rand(1, 8))
print(out.shape, out.grad_fn)
out.sum().backward()
print(model.body.weight.grad, model.fc.bias.grad)
