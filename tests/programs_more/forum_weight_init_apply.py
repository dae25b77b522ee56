# Source: Stack Overflow, "How do I initialize weights in PyTorch?" https://stackoverflow.com/questions/49433936
#   (the accepted answer's init_weights with xavier_uniform_ and bias.data.fill_(0.01), and the
#   answers with kaiming_normal_ and a uniform rule), and torch.nn.Module.apply's docs example
#   https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.apply
# Changed: seeded; parameters printed.
import math

import torch
import torch.nn as nn


def init_weights(m):
    if isinstance(m, nn.Linear):
        torch.nn.init.xavier_uniform_(m.weight)
        m.bias.data.fill_(0.01)


torch.manual_seed(0)
net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
net.apply(init_weights)
print(net[0].weight, net[1].bias)


@torch.no_grad()
def init_weights2(m):
    print(m)
    if type(m) == nn.Linear:
        m.weight.fill_(1.0)
        print(m.weight)


net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
print(net.apply(init_weights2))


def weights_init_uniform_rule(m):
    classname = m.__class__.__name__
    # for every Linear layer in a model..
    if classname.find('Linear') != -1:
        # get the number of the inputs
        n = m.in_features
        y = 1.0 / math.sqrt(n)
        m.weight.data.uniform_(-y, y)
        m.bias.data.fill_(0)


model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
model.apply(weights_init_uniform_rule)
print(model[0].weight)

for m in model.modules():
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        nn.init.constant_(m.bias, 0)
print(model[2].weight, model[2].bias)
w = torch.empty(3, 5)
print(nn.init.kaiming_uniform_(w, a=math.sqrt(5)))
print(nn.init.xavier_normal_(torch.empty(2, 3), gain=nn.init.calculate_gain('tanh')))
print(nn.init.calculate_gain('leaky_relu', 0.2), nn.init.calculate_gain('relu'), nn.init.calculate_gain('sigmoid'))
print(nn.init.trunc_normal_(torch.empty(2, 3)))
