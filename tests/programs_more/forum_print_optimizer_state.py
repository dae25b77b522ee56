# Source: PyTorch tutorials, "Saving and Loading Models" (what is a state_dict?),
#   https://pytorch.org/tutorials/beginner/saving_loading_models.html
# Changed: the TheModelClass is the tutorial's; its input is a seeded random batch instead of CIFAR
#   images; one Adam and one SGD step so that the optimizers' states hold values; printed
#   with print(optimizer) and state_dict() as learners do.
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)


# Define model
class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


# Initialize model
model = TheModelClass()

# Initialize optimizer
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)

# Print model's state_dict
print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())

# Print optimizer's state_dict
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

print(model)
print(optimizer)
out = model(torch.randn(2, 3, 32, 32))
out.sum().backward()
optimizer.step()
print(optimizer.state_dict()['state'][9])

small = nn.Linear(2, 1)
adam = optim.Adam(small.parameters(), lr=0.01, betas=(0.8, 0.9), weight_decay=1e-4)
print(adam)
small(torch.ones(1, 2)).sum().backward()
adam.step()
print(adam.state_dict())
print(small.state_dict())
print(optim.AdamW(small.parameters()))
print(optim.RMSprop(small.parameters(), lr=0.01))
print(optim.Adagrad(small.parameters()))
