# Source: PyTorch documentation, torch.nn.functional: the examples of F.one_hot, F.pad, F.softmax,
#   F.normalize, F.cross_entropy, F.binary_cross_entropy, F.nll_loss, F.embedding,
#   https://pytorch.org/docs/stable/nn.functional.html (the docstrings in torch/nn/functional.py)
# Changed: torch.manual_seed(0) added; results printed; the losses' backward() followed by printing grads.
import torch
import torch.nn.functional as F

torch.manual_seed(0)

print(F.one_hot(torch.arange(0, 5) % 3))
print(F.one_hot(torch.arange(0, 5) % 3, num_classes=5))
print(F.one_hot(torch.arange(0, 6).view(3, 2) % 3))

t4d = torch.empty(3, 3, 4, 2)
p1d = (1, 1)  # pad last dim by 1 on each side
out = F.pad(t4d, p1d, "constant", 0)  # effectively zero padding
print(out.size())
p2d = (1, 1, 2, 2)  # pad last dim by (1, 1) and 2nd to last by (2, 2)
out = F.pad(t4d, p2d, "constant", 0)
print(out.size())
print(F.pad(torch.ones(2, 2), (1, 0, 0, 1), value=-1.0))

x = torch.randn(2, 3)
print(F.softmax(x, dim=1), F.log_softmax(x, dim=-1))
print(F.normalize(x, dim=1), F.normalize(x, p=1.0, dim=0))

# Example of target with class indices
input = torch.randn(3, 5, requires_grad=True)
target = torch.randint(5, (3,), dtype=torch.int64)
loss = F.cross_entropy(input, target)
loss.backward()
print(loss, input.grad)
# Example of target with class probabilities
input = torch.randn(3, 5, requires_grad=True)
target = torch.randn(3, 5).softmax(dim=1)
loss = F.cross_entropy(input, target)
loss.backward()
print(loss, input.grad)

input = torch.randn(3, 2, requires_grad=True)
target = torch.rand(3, 2, requires_grad=False)
loss = F.binary_cross_entropy(torch.sigmoid(input), target)
loss.backward()
print(loss, input.grad)

# input is of size N x C = 3 x 5
input = torch.randn(3, 5, requires_grad=True)
# each element in target has to have 0 <= value < C
target = torch.tensor([1, 0, 4])
output = F.nll_loss(F.log_softmax(input, dim=1), target)
output.backward()
print(output, input.grad)

# a batch of 2 samples of 4 indices each
input = torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])
# an embedding matrix containing 10 tensors of size 3
embedding_matrix = torch.rand(10, 3)
print(F.embedding(input, embedding_matrix))
print(F.relu(torch.tensor([-1.0, 0.5])), F.gelu(torch.tensor([1.0])), F.leaky_relu(torch.tensor([-2.0]), 0.1))
print(F.mse_loss(torch.ones(3), torch.zeros(3)), F.l1_loss(torch.ones(2), torch.zeros(2), reduction='sum'))
print(F.dropout(torch.ones(8), p=0.5), F.dropout(torch.ones(3), p=0.5, training=False))
