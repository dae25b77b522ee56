# Source: Dive into Deep Learning, chapter "Optimization Algorithms" (PyTorch tab): the concise
#   implementations of "Momentum", "Adagrad", "RMSProp" and "Adam", each
#   `d2l.train_concise_ch11(trainer, hyperparams, data_iter)`, https://d2l.ai/chapter_optimization/
#   (d2l-ai/d2l-en chapter_optimization/momentum.md, adagrad.md, rmsprop.md, adam.md; train_concise_ch11
#   and evaluate_loss from d2l/torch.py)
# Changed: the airfoil data set (a download) replaced by 1500 seeded samples of 5 standardised features
#   with a linear target plus noise, read in batches of 10 (d2l.get_data_ch11's shapes);
#   torch.manual_seed(0) added; train_concise_ch11 and evaluate_loss defined here, printing the
#   evaluated loss once an epoch (every 1500 examples) instead of plotting it every 200, and the final
#   loss without the timing; 2 epochs instead of 4.
import torch
from torch import nn
from torch.utils import data

torch.manual_seed(0)

features = torch.randn(1500, 5)
labels = features @ torch.tensor([0.5, -1.0, 0.3, 0.0, 2.0]) + 0.1 * torch.randn(1500)
data_iter = data.DataLoader(data.TensorDataset(features, labels), batch_size=10, shuffle=True)


def evaluate_loss(net, data_iter, loss):  # d2l.evaluate_loss
    """Evaluate the loss of a model on the given dataset."""
    total, n = 0.0, 0
    for X, y in data_iter:
        out = net(X)
        y = y.reshape(out.shape)
        l = loss(out, y)
        total, n = total + float(l.sum()), n + l.numel()  # d2l.Accumulator adds float(...)
    return total / n


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=2):
    # Initialization
    net = nn.Sequential(nn.Linear(5, 1))
    def init_weights(module):
        if type(module) == nn.Linear:
            torch.nn.init.normal_(module.weight, std=0.01)
    net.apply(init_weights)

    optimizer = trainer_fn(net.parameters(), **hyperparams)
    loss = nn.MSELoss(reduction='none')
    n, last = 0, None
    for _ in range(num_epochs):
        for X, y in data_iter:
            optimizer.zero_grad()
            out = net(X)
            y = y.reshape(out.shape)
            l = loss(out, y)
            l.mean().backward()
            optimizer.step()
            n += X.shape[0]
            if n % 1500 == 0:
                last = evaluate_loss(net, data_iter, loss) / 2
                print(n / X.shape[0] / len(data_iter), last)
    print(f'loss: {last:.3f}')


trainer = torch.optim.SGD
train_concise_ch11(trainer, {'lr': 0.005, 'momentum': 0.9}, data_iter)

trainer = torch.optim.Adagrad
train_concise_ch11(trainer, {'lr': 0.1}, data_iter)

trainer = torch.optim.RMSprop
train_concise_ch11(trainer, {'lr': 0.01, 'alpha': 0.9}, data_iter)

trainer = torch.optim.Adam
train_concise_ch11(trainer, {'lr': 0.01}, data_iter)
