# Source: Dive into Deep Learning, "Implementation of Softmax Regression from Scratch" (PyTorch tab),
#   https://d2l.ai/chapter_linear-classification/softmax-regression-scratch.html
# Changed: a small synthetic data set (random images, random labels) instead of Fashion-MNIST downloads,
#   d2l's helpers written inline, 3 epochs, torch.manual_seed(0) added.
import torch

torch.manual_seed(0)

X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdims=True), X.sum(1, keepdims=True))


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition  # The broadcasting mechanism is applied here


X = torch.rand((2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))

num_inputs, num_outputs = 784, 10
W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


print(cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))

features = torch.rand(256, 1, 28, 28)
labels = torch.randint(0, 10, (256,))


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr = 0.1
for epoch in range(3):
    total_loss, total_acc, n = 0.0, 0.0, 0
    for i in range(0, 256, 64):
        Xb, yb = features[i:i + 64], labels[i:i + 64]
        y_hat = net(Xb)
        l = cross_entropy(y_hat, yb)
        l.sum().backward()
        sgd([W, b], lr, Xb.shape[0])
        total_loss += float(l.sum())
        total_acc += accuracy(y_hat, yb)
        n += yb.numel()
    print(f'epoch {epoch + 1}, loss {total_loss / n:.4f}, train acc {total_acc / n:.3f}')
print(net(features[:2]).argmax(axis=1))
