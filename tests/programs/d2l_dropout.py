# Source: Dive into Deep Learning, "Dropout" (PyTorch tab), d2l 0.17 edition,
#   https://d2l.ai/chapter_multilayer-perceptrons/dropout.html
#   (d2l-ai/d2l-en chapter_multilayer-perceptrons/dropout.md): dropout_layer from scratch, the Net with
#   two dropout layers, and the concise nn.Sequential with nn.Dropout.
# Changed: torch.manual_seed(0) added; Fashion-MNIST and d2l.train_ch3 replaced by 256 seeded images of
#   784 pixels with random labels and a plain loop of 2 epochs over a DataLoader(batch_size=64) printing
#   the mean loss (train_ch3's plots dropped); the notebook's bare expressions printed.
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    # In this case, all elements are dropped out
    if dropout == 1:
        return torch.zeros_like(X)
    # In this case, all elements are kept
    if dropout == 0:
        return X
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


X= torch.arange(16, dtype = torch.float32).reshape((2, 8))
print(X)
print(dropout_layer(X, 0.))
print(dropout_layer(X, 0.5))
print(dropout_layer(X, 1.))

num_inputs, num_outputs, num_hiddens1, num_hiddens2 = 784, 10, 256, 256

dropout1, dropout2 = 0.2, 0.5


class Net(nn.Module):
    def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2,
                 is_training = True):
        super(Net, self).__init__()
        self.num_inputs = num_inputs
        self.training = is_training
        self.lin1 = nn.Linear(num_inputs, num_hiddens1)
        self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3 = nn.Linear(num_hiddens2, num_outputs)
        self.relu = nn.ReLU()

    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape((-1, self.num_inputs))))
        # Use dropout only when training the model
        if self.training == True:
            # Add a dropout layer after the first fully connected layer
            H1 = dropout_layer(H1, dropout1)
        H2 = self.relu(self.lin2(H1))
        if self.training == True:
            # Add a dropout layer after the second fully connected layer
            H2 = dropout_layer(H2, dropout2)
        out = self.lin3(H2)
        return out


net = Net(num_inputs, num_outputs, num_hiddens1, num_hiddens2)

num_epochs, lr, batch_size = 2, 0.5, 64
loss = nn.CrossEntropyLoss(reduction='none')
images, labels = torch.rand(256, 1, 28, 28) ** 8, torch.randint(0, 10, (256,))
train_iter = DataLoader(TensorDataset(images, labels), batch_size, shuffle=True)
trainer = torch.optim.SGD(net.parameters(), lr=lr)


def train(net, train_iter, loss, num_epochs, trainer):  # in place of d2l.train_ch3
    for epoch in range(num_epochs):
        if isinstance(net, torch.nn.Module):
            net.train()
        total, n = 0.0, 0
        for X, y in train_iter:
            l = loss(net(X), y)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
            total, n = total + float(l.sum()), n + y.numel()
        print(f'epoch {epoch + 1}, loss {total / n:f}')


train(net, train_iter, loss, num_epochs, trainer)

net = nn.Sequential(nn.Flatten(),
        nn.Linear(784, 256),
        nn.ReLU(),
        # Add a dropout layer after the first fully connected layer
        nn.Dropout(dropout1),
        nn.Linear(256, 256),
        nn.ReLU(),
        # Add a dropout layer after the second fully connected layer
        nn.Dropout(dropout2),
        nn.Linear(256, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)

trainer = torch.optim.SGD(net.parameters(), lr=lr)
train(net, train_iter, loss, num_epochs, trainer)
net.eval()
print(net(images[:2]))
