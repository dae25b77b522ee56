# Source: Stack Overflow, "Pytorch - RuntimeError: Trying to backward through the graph a second time, but
#   the buffers have already been freed", https://stackoverflow.com/questions/48274929 (the question's loop,
#   which carries a hidden state across iterations without detaching it)
# Changed: a seeded 2x2 recurrence instead of the asker's RNN; the program ends in the error it asks about,
#   uncaught (the runner compares the exception type and its first line).
import torch

torch.manual_seed(0)
W = torch.randn(2, 2, requires_grad=True)
h = torch.zeros(1, 2)
for step in range(3):
    x = torch.randn(1, 2)
    h = torch.tanh(h @ W + x)
    loss = h.pow(2).sum()
    print(step, loss.item())
    loss.backward()
    print(W.grad)
