# Source: "Autograd mechanics", PyTorch documentation notes,
#   https://pytorch.org/docs/stable/notes/autograd.html (pytorch/pytorch docs/source/notes/autograd.rst)
#   sections "Saved tensors", "requires_grad", "Multithreaded Autograd" and "Hooks for saved tensors".
# Changed: the doc's >>> lines are printed; torch.manual_seed(0) added; the torchvision resnet18
#   fine-tuning snippet is left out (it needs torchvision); the threaded train_fn returns x.grad and the
#   gradients are printed after join (printing inside threads would interleave).
import threading

import torch

torch.manual_seed(0)

# Saved tensors
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(x.equal(y.grad_fn._saved_self))  # True
print(x is y.grad_fn._saved_self)  # True

x = torch.randn(5, requires_grad=True)
y = x.exp()
print(y.equal(y.grad_fn._saved_result))  # True
print(y is y.grad_fn._saved_result)  # False

# requires_grad
x = torch.randn(5, 5)  # requires_grad=False by default
y = torch.randn(5, 5)  # requires_grad=False by default
z = torch.randn((5, 5), requires_grad=True)
a = x + y
print(a.requires_grad)
b = a + z
print(b.requires_grad)


# Multithreaded Autograd
# Define a train function to be used in different threads
def train_fn(results):
    x = torch.ones(5, 5, requires_grad=True)
    # forward
    y = (x + 3) * (x + 4) * 0.5
    # backward
    y.sum().backward()
    # potential optimizer update
    results.append(x.grad)


results = []
# User write their own threading code to drive the train_fn
threads = []
for _ in range(10):
    p = threading.Thread(target=train_fn, args=(results,))
    p.start()
    threads.append(p)

for p in threads:
    p.join()
print(len(results), results[0])


# Hooks for saved tensors
def pack_hook(x):
    print("Packing", x)
    return x


def unpack_hook(x):
    print("Unpacking", x)
    return x


a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()
print(a.grad)
