# Source: PyTorch documentation, "torch.optim" > "How to use an optimizer" (constructing it, per-parameter
#   options, taking a step, optimizer.step(closure)) and the StepLR and LambdaLR docstring examples,
#   https://pytorch.org/docs/stable/optim.html (pytorch/pytorch docs/source/optim.md and
#   torch/optim/lr_scheduler.py)
# Changed: the doc's placeholders are filled: `model` is an nn.Module with a `base` and a `classifier`
#   (the names the per-parameter example uses), `dataset` is 8 seeded (input, target) pairs, loss_fn is
#   nn.MSELoss(); torch.manual_seed(0) added; the schedulers run 7 epochs with step_size=3 instead of
#   100 epochs with step_size=30 (LambdaLR: epoch // 3); train(...)/validate(...) are one pass over the
#   data set; the losses, learning rates, param_groups and state are printed; clip_grad_norm_ (from
#   torch.nn.utils' docs) added to the closure example.
import torch
from torch import nn, optim
from torch.optim.lr_scheduler import LambdaLR, StepLR

torch.manual_seed(0)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.base = nn.Sequential(nn.Linear(4, 8), nn.Tanh())
        self.classifier = nn.Linear(8, 2)

    def forward(self, x):
        return self.classifier(self.base(x))


model = Model()
dataset = [(torch.randn(5, 4), torch.randn(5, 2)) for _ in range(8)]
loss_fn = nn.MSELoss()
var1, var2 = torch.randn(3, requires_grad=True), torch.randn(3, requires_grad=True)

optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
optimizer = optim.Adam([var1, var2], lr=0.0001)
print(optimizer)

optimizer = optim.SGD([
    {'params': model.base.parameters(), 'lr': 1e-2},
    {'params': model.classifier.parameters()}
], lr=1e-3, momentum=0.9)
print(optimizer.state_dict()['param_groups'])

# Taking an optimization step
for input, target in dataset:
    optimizer.zero_grad()
    output = model(input)
    loss = loss_fn(output, target)
    loss.backward()
    optimizer.step()
    print(loss.item())
print(optimizer.state_dict()['state'][3])

# optimizer.step(closure)
optimizer = optim.Adam(model.parameters(), lr=1e-2)
for input, target in dataset:
    def closure():
        optimizer.zero_grad()
        output = model(input)
        loss = loss_fn(output, target)
        loss.backward()
        print(nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0))
        return loss
    print(optimizer.step(closure))
print(optimizer.state_dict()['param_groups'])
print(optimizer.state[model.classifier.bias])


def train(model, optimizer):
    for input, target in dataset:
        optimizer.zero_grad()
        loss_fn(model(input), target).backward()
        optimizer.step()


def validate(model):
    with torch.no_grad():
        return sum(loss_fn(model(input), target).item() for input, target in dataset) / len(dataset)


# Assuming optimizer uses lr = 0.05 for all groups
# lr = 0.05     if epoch < 3
# lr = 0.005    if 3 <= epoch < 6
# lr = 0.0005   if 6 <= epoch < 9
optimizer = optim.SGD(model.parameters(), lr=0.05)
scheduler = StepLR(optimizer, step_size=3, gamma=0.1)
for epoch in range(7):
    train(model, optimizer)
    print(epoch, validate(model), scheduler.get_last_lr())
    scheduler.step()

# Assuming optimizer has two groups.
optimizer = optim.SGD([{'params': model.base.parameters()}, {'params': model.classifier.parameters()}], lr=0.05)
lambda1 = lambda epoch: epoch // 3
lambda2 = lambda epoch: 0.95 ** epoch
scheduler = LambdaLR(optimizer, lr_lambda=[lambda1, lambda2])
for epoch in range(7):
    train(model, optimizer)
    print(epoch, validate(model), scheduler.get_last_lr())
    scheduler.step()
