# Source: PyTorch forums, "How the pytorch freeze network in some layers, only the rest of the training?"
#   https://discuss.pytorch.org/t/7088 and the "Finetuning" part of the Autograd mechanics note
#   (requires_grad to freeze part of a model), https://pytorch.org/docs/stable/notes/autograd.html
# Changed: a small two-part model instead of a torchvision resnet; seeded random data; values printed.
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc(self.features(x))


model = Net()
for param in model.parameters():
    param.requires_grad = False
# Replace the last fully-connected layer
# Parameters of newly constructed modules have requires_grad=True by default
model.fc = nn.Linear(8, 3)
print([(n, p.requires_grad) for n, p in model.named_parameters()])

# Optimize only the classifier
optimizer = optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=1e-2, momentum=0.9)
print(len(optimizer.param_groups[0]['params']))
x, y = torch.randn(5, 4), torch.tensor([0, 2, 1, 1, 0])
before = model.features[0].weight.clone()
for step in range(3):
    optimizer.zero_grad()
    out = model(x)
    loss = nn.CrossEntropyLoss()(out, y)
    loss.backward()
    optimizer.step()
    print(step, loss.item())
print(model.features[0].weight.grad, torch.equal(before, model.features[0].weight))
print(model.fc.weight.grad.shape, out.requires_grad, model.features(x).requires_grad)

model.requires_grad_(True)
model.features.requires_grad_(False)
print(sum(p.numel() for p in model.parameters() if p.requires_grad), sum(p.numel() for p in model.parameters()))
for name, child in model.named_children():
    print(name, child, all(not p.requires_grad for p in child.parameters()))
