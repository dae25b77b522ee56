# Source: PyTorch documentation, the "Examples" of torch.nn's layer pages: Linear, Flatten, Embedding,
#   Dropout, LayerNorm, BatchNorm1d, Conv2d, MaxPool2d, ReLU (and its CReLU example), LeakyReLU, GELU,
#   Tanh, Sigmoid, Softmax, LogSoftmax, https://pytorch.org/docs/stable/nn.html
#   (the docstrings in pytorch/pytorch torch/nn/modules/*.py)
# Changed: torch.manual_seed(0) added; the examples' results are printed (sizes, and values where they
#   are small; sums and a few entries where they are large); the Embedding examples' expected values
#   (marked non-deterministic there) are not copied; module reprs printed.
import torch
import torch.nn as nn

torch.manual_seed(0)

m = nn.Linear(20, 30)
input = torch.randn(128, 20)
output = m(input)
print(output.size())
print(m, output[0, :4])

input = torch.randn(32, 1, 5, 5)
# With default parameters
m = nn.Flatten()
output = m(input)
print(output.size())
# With non-default parameters
m = nn.Flatten(0, 2)
output = m(input)
print(output.size())

# an Embedding module containing 10 tensors of size 3
embedding = nn.Embedding(10, 3)
# a batch of 2 samples of 4 indices each
input = torch.LongTensor([[1, 2, 4, 5], [4, 3, 2, 9]])
print(embedding(input))

# example with padding_idx
embedding = nn.Embedding(10, 3, padding_idx=0)
input = torch.LongTensor([[0, 2, 0, 5]])
print(embedding(input))

# example of changing `pad` vector
padding_idx = 0
embedding = nn.Embedding(3, 3, padding_idx=padding_idx)
print(embedding.weight)
with torch.no_grad():
    embedding.weight[padding_idx] = torch.ones(3)
print(embedding.weight)

m = nn.Dropout(p=0.2)
input = torch.randn(20, 16)
output = m(input)
print(m, (output == 0).sum(), output[0])
m.eval()
print(torch.equal(m(input), input))

# NLP Example
batch, sentence_length, embedding_dim = 20, 5, 10
embedding = torch.randn(batch, sentence_length, embedding_dim)
layer_norm = nn.LayerNorm(embedding_dim)
# Activate module
out = layer_norm(embedding)
print(layer_norm, out.shape, out[0, 0])

# Image Example
N, C, H, W = 20, 5, 10, 10
input = torch.randn(N, C, H, W)
# Normalize over the last three dimensions (i.e. the channel and spatial dimensions)
# as shown in the image below
layer_norm = nn.LayerNorm([C, H, W])
output = layer_norm(input)
print(layer_norm, output.shape, output.mean().abs() < 1e-5)

# With Learnable Parameters
m = nn.BatchNorm1d(100)
# Without Learnable Parameters
m = nn.BatchNorm1d(100, affine=False)
input = torch.randn(20, 100)
output = m(input)
print(m, output[:2, :4])
print(m.running_mean[:4], m.running_var[:4], m.num_batches_tracked)
m.eval()
print(m(input)[:2, :4])

# With square kernels and equal stride
m = nn.Conv2d(16, 33, 3, stride=2)
# non-square kernels and unequal stride and with padding
m = nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))
# non-square kernels and unequal stride and with padding and dilation
m = nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
input = torch.randn(20, 16, 50, 100)
output = m(input)
print(m, output.shape, output[0, 0, 0, :4])

# pool of square window of size=3, stride=2
m = nn.MaxPool2d(3, stride=2)
# pool of non-square window
m = nn.MaxPool2d((3, 2), stride=(2, 1))
input = torch.randn(20, 16, 50, 32)
output = m(input)
print(m, output.shape, output[0, 0, 0, :4])

m = nn.ReLU()
input = torch.randn(2)
output = m(input)
print(input, output)

# An implementation of CReLU - https://arxiv.org/abs/1603.05201
m = nn.ReLU()
input = torch.randn(2).unsqueeze(0)
output = torch.cat((m(input), m(-input)))
print(output)

for m in [nn.LeakyReLU(0.1), nn.GELU(), nn.Tanh(), nn.Sigmoid()]:
    input = torch.randn(2)
    output = m(input)
    print(m, input, output)

m = nn.Softmax(dim=1)
input = torch.randn(2, 3)
output = m(input)
print(m, output)

m = nn.LogSoftmax(dim=1)
input = torch.randn(2, 3)
output = m(input)
print(m, output)
