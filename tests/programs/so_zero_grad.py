# Source: Stack Overflow, "Why do we need to call zero_grad() in PyTorch?", accepted answer (kmario23),
#   https://stackoverflow.com/questions/48001598/why-do-we-need-to-call-zero-grad-in-pytorch
# Changed: the answer's `data, targets = ...` placeholder is filled with 5 seeded random samples
#   (torch.manual_seed(0)); Variable(...) is the plain tensor of PyTorch >= 0.4; the per-sample loss
#   (output - target) ** 2 is summed so that backward() gets a scalar; the vanilla gradient descent
#   variant zeroes W.grad/b.grad after the update (before the first backward they are None) and wraps
#   the update in torch.no_grad() instead of using .data; a third loop without zeroing shows the
#   gradients adding up; the gradients and weights are printed.
import torch
import torch.optim as optim

torch.manual_seed(0)


def linear_model(x, W, b):
    return torch.matmul(x, W) + b


data, targets = torch.randn(5, 4), torch.randn(5, 3)

W = torch.randn(4, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)

optimizer = optim.Adam([W, b])

for sample, target in zip(data, targets):
    # clear out the gradients of all Variables
    # in this optimizer (i.e. W, b)
    optimizer.zero_grad()
    output = linear_model(sample, W, b)
    loss = ((output - target) ** 2).sum()
    loss.backward()
    optimizer.step()
    print(loss.item(), b.grad)

print(W)
print(b)

learning_rate = 0.01
W = torch.randn(4, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)

for sample, target in zip(data, targets):
    output = linear_model(sample, W, b)
    loss = ((output - target) ** 2).sum()
    loss.backward()

    with torch.no_grad():
        W -= learning_rate * W.grad
        b -= learning_rate * b.grad
    print(loss.item(), b.grad)
    # clear out the gradients of Variables
    # (i.e. W, b)
    W.grad.zero_()
    b.grad.zero_()

print(W)
print(b)

# Without zeroing, .grad is the sum of the gradients of every backward() so far
W = torch.ones(4, 3, requires_grad=True)
b = torch.zeros(3, requires_grad=True)
for sample, target in zip(data, targets):
    loss = ((linear_model(sample, W, b) - target) ** 2).sum()
    loss.backward()
    print(b.grad)
