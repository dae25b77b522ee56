# Source: Stack Overflow, "How to do gradient clipping in pytorch?" https://stackoverflow.com/questions/54716377
#   and the torch.nn.utils.clip_grad_norm_ documentation
#   https://pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_norm_.html
# Changed: a tiny model on seeded random data; the norms and clipped gradients printed.
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()
x, y = torch.randn(16, 5), torch.randn(16, 1) * 10

for step in range(3):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    clipped = torch.sqrt(sum(p.grad.pow(2).sum() for p in model.parameters()))
    print(step, loss.item(), total_norm, clipped)
    optimizer.step()

optimizer.zero_grad()
loss_fn(model(x), y).backward()
torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.1)
print(model[2].weight.grad)
print(torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0, norm_type=float('inf')))
print(model[0].bias.grad)

# A hook that clips during backward, from the same answer
for p in model.parameters():
    p.register_hook(lambda grad: torch.clamp(grad, -0.01, 0.01))
optimizer.zero_grad()
loss_fn(model(x), y).backward()
print(model[2].bias.grad, model[0].weight.grad.abs().max())
