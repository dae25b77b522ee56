# Source: Stack Overflow, "What does the parameter retain_graph mean in the Variable's backward() method?",
#   answer describing a shared trunk with a "cat?" head and a "car?" head, backpropagated one branch at a
#   time, https://stackoverflow.com/questions/46774641/what-does-the-parameter-retain-graph-mean-in-the-variables-backward-method
# Changed: the answer gives the architecture only in words and ASCII art; this program builds it small
#   (a shared nn.Linear trunk instead of three convolutions, one nn.Linear head per question, seeded
#   with torch.manual_seed(0)), backpropagates the cat branch with retain_graph=True and then the car
#   branch, and shows the error when the graph is not retained (first paragraph of the message).
import torch
from torch import nn

torch.manual_seed(0)

trunk = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU())
cat_head = nn.Linear(16, 1)
car_head = nn.Linear(16, 1)

image = torch.randn(4, 8)
features = trunk(image)
cat_loss = nn.functional.binary_cross_entropy_with_logits(cat_head(features), torch.ones(4, 1))
car_loss = nn.functional.binary_cross_entropy_with_logits(car_head(features), torch.zeros(4, 1))
print(cat_loss, car_loss)

cat_loss.backward(retain_graph=True)
print(trunk[0].bias.grad)
car_loss.backward()
print(trunk[0].bias.grad)
print(cat_head.bias.grad, car_head.bias.grad)

trunk.zero_grad()
features = trunk(image)
cat_loss = nn.functional.binary_cross_entropy_with_logits(cat_head(features), torch.ones(4, 1))
car_loss = nn.functional.binary_cross_entropy_with_logits(car_head(features), torch.zeros(4, 1))
cat_loss.backward()
try:
    car_loss.backward()
except RuntimeError as e:
    print(type(e).__name__, str(e).split("\n\n")[0])
print(trunk[0].bias.grad)
