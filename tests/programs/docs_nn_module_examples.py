# Source: PyTorch documentation, the examples of torch.nn.Module (apply, named_modules), ModuleList,
#   ModuleDict, ParameterList and torch.utils.data.random_split,
#   https://pytorch.org/docs/stable/generated/torch.nn.Module.html,
#   https://pytorch.org/docs/stable/data.html#torch.utils.data.random_split
#   (the docstrings in pytorch/pytorch torch/nn/modules/module.py, container.py, torch/utils/data/dataset.py)
# Changed: torch.manual_seed(0) added; the MyModule examples are instantiated, run on a small input and
#   printed; ModuleDict's nn.PReLU activation replaced by nn.ReLU; random_split's subsets printed as
#   lists; the state_dict().keys() one-liner applied to an nn.Linear.
import torch
import torch.nn as nn
from torch.utils.data import random_split

torch.manual_seed(0)


@torch.no_grad()
def init_weights(m):
    print(m)
    if type(m) is nn.Linear:
        m.weight.fill_(1.0)
        print(m.weight)


net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
print(net.apply(init_weights))

l = nn.Linear(2, 2)
net = nn.Sequential(l, l)
for idx, m in enumerate(net.named_modules()):
    print(idx, '->', m)
for idx, m in enumerate(net.modules()):
    print(idx, '->', m)

module = nn.Linear(3, 1)
print(module.state_dict().keys())


class MyModule(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(10, 10) for i in range(10)])

    def forward(self, x):
        # ModuleList can act as an iterable, or be indexed using ints
        for i, l in enumerate(self.linears):
            x = self.linears[i // 2](x) + l(x)
        return x


m = MyModule()
out = m(torch.randn(2, 10))
print(len(m.linears), m.linears[0], out[0, :3])


class MyModule(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.choices = nn.ModuleDict(
            {"conv": nn.Conv2d(10, 10, 3), "pool": nn.MaxPool2d(3)}
        )
        self.activations = nn.ModuleDict(
            [["lrelu", nn.LeakyReLU()], ["relu", nn.ReLU()]]
        )

    def forward(self, x, choice, act):
        x = self.choices[choice](x)
        x = self.activations[act](x)
        return x


m = MyModule()
print(m)
x = torch.randn(1, 10, 6, 6)
print(m(x, "conv", "lrelu").shape, m(x, "pool", "relu")[0, 0])


class MyModule(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.params = nn.ParameterList(
            [nn.Parameter(torch.randn(10, 10)) for i in range(10)]
        )

    def forward(self, x):
        # ParameterList can act as an iterable, or be indexed using ints
        for i, p in enumerate(self.params):
            x = self.params[i // 2].mm(x) + p.mm(x)
        return x


m = MyModule()
print(m)
out = m(torch.randn(10, 1) * 1e-4)
out.sum().backward()
print(out[:3, 0], m.params[9].grad[0, :3], len(list(m.parameters())))

generator1 = torch.Generator().manual_seed(42)
generator2 = torch.Generator().manual_seed(42)
print([list(s) for s in random_split(range(10), [3, 7], generator=generator1)])
print([list(s) for s in random_split(range(30), [0.3, 0.3, 0.4], generator=generator2)])
