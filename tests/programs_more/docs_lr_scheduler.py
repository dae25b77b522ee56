# Source: PyTorch documentation, "torch.optim -- How to adjust learning rate" and the StepLR / LambdaLR /
#   MultiStepLR / ExponentialLR docstrings, https://pytorch.org/docs/stable/optim.html
# Changed: the docs' `train(...)`/`validate(...)` placeholders replaced by one step on a tiny model;
#   seeded; learning rates printed.
import torch
from torch import nn
from torch.optim.lr_scheduler import ExponentialLR, LambdaLR, MultiStepLR, StepLR

torch.manual_seed(0)
model = nn.Linear(2, 1)
dataset = [(torch.randn(4, 2), torch.randn(4, 1)) for _ in range(3)]
loss_fn = nn.MSELoss()

optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
scheduler = StepLR(optimizer, step_size=3, gamma=0.1)
for epoch in range(7):
    for input, target in dataset:
        optimizer.zero_grad()
        output = model(input)
        loss = loss_fn(output, target)
        loss.backward()
        optimizer.step()
    scheduler.step()
    print(epoch, scheduler.get_last_lr(), optimizer.param_groups[0]['lr'], round(loss.item(), 6))

optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
lambda1 = lambda epoch: 0.95 ** epoch
scheduler = LambdaLR(optimizer, lr_lambda=lambda1)
for epoch in range(4):
    optimizer.step()
    scheduler.step()
    print(epoch, scheduler.get_last_lr())

optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
scheduler = MultiStepLR(optimizer, milestones=[2, 4], gamma=0.1)
for epoch in range(6):
    optimizer.step()
    scheduler.step()
    print(epoch, scheduler.get_last_lr())

optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
scheduler1 = ExponentialLR(optimizer, gamma=0.9)
for epoch in range(3):
    optimizer.step()
    scheduler1.step()
    print(epoch, optimizer.param_groups[0]["lr"])
print(scheduler.state_dict()['milestones'], scheduler.last_epoch)
print(model.weight, model.bias)
