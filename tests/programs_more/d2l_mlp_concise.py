# Source: Dive into Deep Learning, "Concise Implementation of Multilayer Perceptrons" (PyTorch tab, 0.17),
#   https://d2l.ai/chapter_multilayer-perceptrons/mlp-concise.html
# Changed: synthetic data instead of Fashion-MNIST, the training loop inline, 2 epochs, seeded.
import torch
from torch import nn

torch.manual_seed(0)

net = nn.Sequential(nn.Flatten(),
                    nn.Linear(784, 256),
                    nn.ReLU(),
                    nn.Linear(256, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)

batch_size, lr, num_epochs = 32, 0.1, 2
loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=lr)

features = torch.rand(96, 1, 28, 28)
labels = torch.randint(0, 10, (96,))
for epoch in range(num_epochs):
    net.train()
    for i in range(0, 96, batch_size):
        X, y = features[i:i + batch_size], labels[i:i + batch_size]
        l = loss(net(X), y)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
    net.eval()
    with torch.no_grad():
        acc = (net(features).argmax(dim=1) == labels).float().mean()
    print(epoch, acc, acc.item())
print(net[3].weight.grad.norm())
