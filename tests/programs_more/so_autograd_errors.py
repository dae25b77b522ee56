# Source: Stack Overflow / PyTorch forums answers about autograd errors:
#   "Trying to backward through the graph a second time" https://stackoverflow.com/questions/48274929 ,
#   "element 0 of tensors does not require grad" https://discuss.pytorch.org/t/35733 ,
#   "a leaf Variable that requires grad is being used in an in-place operation"
#   https://stackoverflow.com/questions/49101718 , "grad can be implicitly created only for scalar outputs"
#   https://stackoverflow.com/questions/55749202 , "one of the variables needed for gradient computation
#   has been modified by an inplace operation" https://discuss.pytorch.org/t/836
# Changed: each answer's snippet run inside try/except, printing the exception type and its first line.
import torch


def first_line(e):
    return type(e).__name__ + ': ' + str(e).splitlines()[0]


x = torch.ones(2, 2, requires_grad=True)
y = (x * x).sum()
y.backward()
try:
    y.backward()
except RuntimeError as e:
    print(first_line(e))

y = (x * x).sum()
y.backward(retain_graph=True)
y.backward()
print(x.grad)

a = torch.ones(3)
try:
    a.sum().backward()
except RuntimeError as e:
    print(first_line(e))

w = torch.ones(3, requires_grad=True)
try:
    w += 1
except RuntimeError as e:
    print(first_line(e))
with torch.no_grad():
    w += 1
print(w)

v = torch.ones(3, requires_grad=True)
try:
    (v * 2).backward()
except RuntimeError as e:
    print(first_line(e))

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a.sigmoid()
c = b.sum()
b.add_(1)
try:
    c.backward()
except RuntimeError as e:
    print(first_line(e))

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a.exp()
b[0] = 0.0
try:
    b.sum().backward()
except RuntimeError as e:
    print(first_line(e))

try:
    torch.ones(2, 3) @ torch.ones(2, 3)
except RuntimeError as e:
    print(first_line(e))
try:
    torch.ones(2, 3) + torch.ones(4)
except RuntimeError as e:
    print(first_line(e))
try:
    torch.ones(2, 3).view(4)
except RuntimeError as e:
    print(first_line(e))
try:
    torch.tensor([1, 2]).float().numpy() + torch.ones(2, requires_grad=True).numpy()
except RuntimeError as e:
    print(first_line(e))
try:
    torch.tensor([1.5], requires_grad=True).item() + torch.tensor([1, 2], requires_grad=True).sum().item()
except RuntimeError as e:
    print(first_line(e))
try:
    torch.ones(2, 2).t().view(4)
except RuntimeError as e:
    print(first_line(e))
