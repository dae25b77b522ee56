# Source: Dive into Deep Learning, "Custom Layers" (PyTorch tab, 0.17 edition),
#   https://d2l.ai/chapter_builders-guide/custom-layer.html
# Changed: nn.Linear(8, 128) instead of nn.LazyLinear(128) (lazy modules are not supported);
#   torch.manual_seed(0) added; bare notebook expressions printed.
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)


class CenteredLayer(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, X):
        return X - X.mean()


layer = CenteredLayer()
print(layer(torch.FloatTensor([1, 2, 3, 4, 5])))

net = nn.Sequential(nn.Linear(8, 128), CenteredLayer())
Y = net(torch.rand(4, 8))
print(abs(Y.mean().item()) < 1e-6)


class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units,))

    def forward(self, X):
        linear = torch.matmul(X, self.weight.data) + self.bias.data
        return F.relu(linear)


linear = MyLinear(5, 3)
print(linear.weight)
print(linear(torch.rand(2, 5)))

net = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
print(net(torch.rand(2, 64)))
print(net)
print([name for name, _ in net.named_parameters()])
