# Source: Dive into Deep Learning, "Implementation of Multilayer Perceptrons from Scratch" (PyTorch tab),
#   https://d2l.ai/chapter_multilayer-perceptrons/mlp-implementation.html
# Changed: synthetic data instead of Fashion-MNIST, d2l.train_ch3 written inline, 2 epochs, seeded.
import torch
from torch import nn

torch.manual_seed(0)

num_inputs, num_outputs, num_hiddens = 784, 10, 256

W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens, requires_grad=True) * 0.01)
b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs, requires_grad=True) * 0.01)
b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))

params = [W1, b1, W2, b2]


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def net(X):
    X = X.reshape((-1, num_inputs))
    H = relu(X @ W1 + b1)  # Here '@' stands for matrix multiplication
    return (H @ W2 + b2)


loss = nn.CrossEntropyLoss(reduction='none')

num_epochs, lr = 2, 0.1
updater = torch.optim.SGD(params, lr=lr)

features = torch.rand(128, 1, 28, 28)
labels = torch.randint(0, 10, (128,))
print(relu(torch.tensor([-1.0, 0.0, 2.0])))
for epoch in range(num_epochs):
    for i in range(0, 128, 32):
        X, y = features[i:i + 32], labels[i:i + 32]
        y_hat = net(X)
        l = loss(y_hat, y)
        updater.zero_grad()
        l.mean().backward()
        updater.step()
    print(f'epoch {epoch + 1}, loss {float(loss(net(features), labels).mean()):f}')
print(W2.grad.shape, b1.grad[:5])
