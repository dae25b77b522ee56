# Source: PyTorch documentation, the "Examples" of torch.nn's loss pages: MSELoss, L1Loss, SmoothL1Loss,
#   HuberLoss, BCELoss, BCEWithLogitsLoss (pos_weight), CrossEntropyLoss (class indices and class
#   probabilities), NLLLoss, https://pytorch.org/docs/stable/nn.html#loss-functions
#   (the docstrings in pytorch/pytorch torch/nn/modules/loss.py)
# Changed: torch.manual_seed(0) added; each example's loss, its grad_fn and the input's gradient are
#   printed; NLLLoss's 2-D (image) example is left out.
import torch
import torch.nn as nn

torch.manual_seed(0)

for loss in [nn.MSELoss(), nn.L1Loss(), nn.SmoothL1Loss(), nn.HuberLoss()]:
    input = torch.randn(3, 5, requires_grad=True)
    target = torch.randn(3, 5)
    output = loss(input, target)
    output.backward()
    print(loss, output, input.grad[0])

m = nn.Sigmoid()
loss = nn.BCELoss()
input = torch.randn(3, 2, requires_grad=True)
target = torch.rand(3, 2, requires_grad=False)
output = loss(m(input), target)
output.backward()
print(output, input.grad)

target = torch.ones([10, 64], dtype=torch.float32)  # 64 classes, batch size = 10
output = torch.full([10, 64], 1.5)  # A prediction (logit)
pos_weight = torch.ones([64])  # All weights are equal to 1
criterion = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
print(criterion(output, target))  # -log(sigmoid(1.5))

# Example of target with class indices
loss = nn.CrossEntropyLoss()
input = torch.randn(3, 5, requires_grad=True)
target = torch.empty(3, dtype=torch.long).random_(5)
output = loss(input, target)
output.backward()
print(target, output, input.grad)

# Example of target with class probabilities
input = torch.randn(3, 5, requires_grad=True)
target = torch.randn(3, 5).softmax(dim=1)
output = loss(input, target)
output.backward()
print(output, input.grad)

log_softmax = nn.LogSoftmax(dim=1)
loss_fn = nn.NLLLoss()
# input to NLLLoss is of size N x C = 3 x 5
input = torch.randn(3, 5, requires_grad=True)
# each element in target must have 0 <= value < C
target = torch.tensor([1, 0, 4])
loss = loss_fn(log_softmax(input), target)
loss.backward()
print(loss, input.grad)
