# Source: Dive into Deep Learning, "Concise Implementation of Softmax Regression" (PyTorch tab, 0.17 edition),
#   https://d2l.ai/chapter_linear-classification/softmax-regression-concise.html
# Changed: synthetic in-memory data with a DataLoader instead of Fashion-MNIST, 3 epochs, seeded.
import torch
from torch import nn
from torch.utils import data

torch.manual_seed(0)

features = torch.randn(200, 1, 28, 28)
labels = torch.randint(0, 10, (200,))
train_iter = data.DataLoader(data.TensorDataset(features, labels), batch_size=50, shuffle=True)

# PyTorch does not implicitly reshape the inputs. Thus we define the flatten
# layer to reshape the inputs before the linear layer in our network
net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)

loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.1)

num_epochs = 3
for epoch in range(num_epochs):
    metric = [0.0, 0.0, 0]
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        metric[0] += float(l.sum())
        metric[1] += float((y_hat.argmax(axis=1) == y).sum())
        metric[2] += y.numel()
    print(epoch + 1, round(metric[0] / metric[2], 4), metric[1] / metric[2])
print(net[1].bias)
