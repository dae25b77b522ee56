# Source: PyTorch documentation, "Random sampling" and "Reproducibility" notes,
#   https://pytorch.org/docs/stable/torch.html#random-sampling and
#   https://pytorch.org/docs/stable/notes/randomness.html , with the docstring examples of torch.rand,
#   torch.randn, torch.randint, torch.randperm, torch.normal, torch.bernoulli, torch.multinomial
# Changed: seeded with torch.manual_seed so the printed values are reproducible; a Generator example.
import torch

torch.manual_seed(0)
print(torch.rand(4))
print(torch.rand(2, 3))
print(torch.randn(4))
print(torch.randn(2, 3))
print(torch.randint(3, 5, (3,)))
print(torch.randint(10, (2, 2)))
print(torch.randint(3, 10, (2, 2)))
print(torch.randperm(4))
print(torch.normal(mean=torch.arange(1., 11.), std=torch.arange(1, 0, -0.1)))
print(torch.normal(mean=0.5, std=torch.arange(1., 6.)))
print(torch.normal(mean=torch.arange(1., 6.)))
print(torch.normal(2, 3, size=(1, 4)))
a = torch.empty(3, 3).uniform_(0, 1)  # generate a uniform random matrix with range [0, 1]
print(a)
print(torch.bernoulli(a))
a = torch.ones(3, 3)  # probability of drawing "1" is 1
print(torch.bernoulli(a))
weights = torch.tensor([0, 10, 3, 0], dtype=torch.float)  # create a tensor of weights
print(torch.multinomial(weights, 2))
print(torch.multinomial(weights, 4, replacement=True))
print(torch.rand_like(a), torch.randn_like(a).dtype, torch.randint_like(a, 10))

torch.manual_seed(42)
x1 = torch.randn(3)
torch.manual_seed(42)
x2 = torch.randn(3)
print(x1, torch.equal(x1, x2), torch.initial_seed())
g = torch.Generator().manual_seed(2147483647)
print(torch.randn(2, generator=g), torch.rand(2, generator=g))
state = g.get_state()
r1 = torch.randn(2, generator=g)
g.set_state(state)
print(torch.equal(r1, torch.randn(2, generator=g)))
print(torch.randn(20, dtype=torch.float64))
print(torch.empty(5).normal_(), torch.empty(3).random_(0, 10), torch.empty(4).exponential_())
