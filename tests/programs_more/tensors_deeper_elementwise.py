# Source: PyTorch tutorials, "Introduction to PyTorch Tensors" (beginner/introyt/tensors_deeper_tutorial),
#   https://pytorch.org/tutorials/beginner/introyt/tensors_deeper_tutorial.html : "More Math with Tensors"
# Changed: seeded with torch.manual_seed(1729) as the tutorial's earlier cells are; the linear algebra lines
#   that follow are left out; the bitwise operators (^ & | ~ << >>) printed after torch.bitwise_xor.
import math

import torch

torch.manual_seed(1729)

# common functions
a = torch.rand(2, 4) * 2 - 1
print('Common functions:')
print(torch.abs(a))
print(torch.ceil(a))
print(torch.floor(a))
print(torch.clamp(a, -0.5, 0.5))

# trigonometric functions and their inverses
angles = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
sines = torch.sin(angles)
inverses = torch.asin(sines)
print('\nSine and arcsine:')
print(angles)
print(sines)
print(inverses)

# bitwise operations
print('\nBitwise XOR:')
b = torch.tensor([1, 5, 11])
c = torch.tensor([2, 7, 10])
print(torch.bitwise_xor(b, c))
print(b ^ c, b & c, b | c, ~b, b << 2, c >> 1)

# comparisons:
print('\nBroadcasted, element-wise equality comparison:')
d = torch.tensor([[1., 2.], [3., 4.]])
e = torch.ones(1, 2)  # many comparison ops support broadcasting!
print(torch.eq(d, e)) # returns a tensor of type bool

# reductions:
print('\nReduction ops:')
print(torch.max(d))        # returns a single-element tensor
print(torch.max(d).item()) # extracts the value from the returned tensor
print(torch.mean(d))       # average
print(torch.std(d))        # standard deviation
print(torch.prod(d))       # product of all numbers
print(torch.unique(torch.tensor([1, 2, 1, 2, 1, 2]))) # filter unique elements
