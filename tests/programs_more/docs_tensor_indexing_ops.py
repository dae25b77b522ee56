# Source: PyTorch documentation, https://pytorch.org/docs/stable/torch.html : the examples of torch.cat,
#   torch.stack, torch.gather, torch.where, torch.clamp, torch.argmax, torch.topk, torch.sort, torch.chunk,
#   torch.split, Tensor.scatter_, torch.index_select, torch.masked_select, torch.nonzero
# Changed: the docs' unseeded torch.randn inputs drawn after torch.manual_seed(0); results printed.
import torch

torch.manual_seed(0)

x = torch.randn(2, 3)
print(x)
print(torch.cat((x, x, x), 0))
print(torch.cat((x, x, x), 1))
print(torch.stack((x, x)).shape)

t = torch.tensor([[1, 2], [3, 4]])
print(torch.gather(t, 1, torch.tensor([[0, 0], [1, 0]])))

x = torch.randn(3, 2)
y = torch.ones(3, 2)
print(x)
print(torch.where(x > 0, 1.0, 0.0))
print(torch.where(x > 0, x, y))
x = torch.randn(2, 2, dtype=torch.double)
print(x)
print(torch.where(x > 0, x, 0.))

a = torch.randn(4)
print(a)
print(torch.clamp(a, min=-0.5, max=0.5))
min = torch.linspace(-1, 1, steps=4)
print(torch.clamp(a, min=min))

a = torch.randn(4, 4)
print(a)
print(torch.argmax(a))
print(torch.argmax(a, dim=1))
print(torch.max(a, 1))

x = torch.arange(1., 6.)
print(x)
print(torch.topk(x, 3))

x = torch.randn(3, 4)
sorted, indices = torch.sort(x)
print(sorted)
print(indices)
sorted, indices = torch.sort(x, 0)
print(sorted)
print(indices)

print(torch.arange(11).chunk(6))
a = torch.arange(10).reshape(5, 2)
print(a)
print(torch.split(a, 2))
print(torch.split(a, [1, 4]))

src = torch.arange(1, 11).reshape((2, 5))
print(src)
index = torch.tensor([[0, 1, 2, 0]])
print(torch.zeros(3, 5, dtype=src.dtype).scatter_(0, index, src))
index = torch.tensor([[0, 1, 2], [0, 1, 4]])
print(torch.zeros(3, 5, dtype=src.dtype).scatter_(1, index, src))

x = torch.randn(3, 4)
indices = torch.tensor([0, 2])
print(torch.index_select(x, 0, indices))
print(torch.index_select(x, 1, indices))
mask = x.ge(0.5)
print(mask)
print(torch.masked_select(x, mask))
print(torch.nonzero(torch.tensor([1, 1, 1, 0, 1])))
print(torch.nonzero(torch.tensor([[0.6, 0.0, 0.0, 0.0],
                                  [0.0, 0.4, 0.0, 0.0],
                                  [0.0, 0.0, 1.2, 0.0],
                                  [0.0, 0.0, 0.0, -0.4]])))
