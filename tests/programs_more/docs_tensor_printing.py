# Source: PyTorch documentation, "torch.set_printoptions" and "Tensor Attributes" / "torch.Tensor" examples,
#   https://pytorch.org/docs/stable/generated/torch.set_printoptions.html and
#   https://pytorch.org/docs/stable/tensors.html
# Changed: several shapes and dtypes a learner prints (int, bool, float64, large and tiny values,
#   long tensors summarised with ...) gathered in one program; seeded.
import torch

torch.manual_seed(0)

print(torch.tensor([[1., -1.], [1., -1.]]))
print(torch.tensor([[1, 2, 3], [4, 5, 6]]))
print(torch.zeros([2, 4], dtype=torch.int32))
print(torch.ones([2, 4], dtype=torch.float64))
print(torch.tensor([True, False, True]))
print(torch.tensor(3.5), torch.tensor(7), torch.tensor([]))
print(torch.tensor([1e10, 1.0, 1e-5]))
print(torch.tensor([123456.789, 0.001]))
print(torch.tensor([1.0, 2.0, 3.0]) * 1e-8)
print(torch.tensor([100000.0, 2.5]))
print(torch.tensor([float('inf'), float('-inf'), float('nan'), 1.5]))
print(torch.arange(2000))
print(torch.arange(10000.0).reshape(100, 100))
print(torch.randn(2, 3, 4))
print(torch.randn(3, dtype=torch.float64))
print(torch.randint(0, 100, (3, 3), dtype=torch.int64))
print(torch.tensor([1, 2, 3], dtype=torch.int8))
print(torch.tensor([1.5, 2.5], dtype=torch.float16))
print(torch.tensor([[1.0, 2.0]], requires_grad=True))
print(torch.tensor([1.0, 2.0], requires_grad=True) * 2)
print(repr(torch.tensor(1.25)), str(torch.tensor([0.1, 0.2])))

torch.set_printoptions(precision=2)
print(torch.tensor([1.12345]))
torch.set_printoptions(threshold=5)
print(torch.arange(10))
torch.set_printoptions(profile='default')
print(torch.arange(10))
torch.set_printoptions(sci_mode=True)
print(torch.tensor([1.5, 20.25]))
torch.set_printoptions(profile='default')

x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print(x.dtype, x.shape, x.size(), x.size(1), x.dim(), x.numel(), x.device)
print(x[1][2], x[1][2].item(), x.tolist())
print(torch.float32, torch.int64, torch.bool, torch.get_default_dtype())
print(x.float().dtype, x.double().dtype, x.long().dtype, x.bool())
print(torch.tensor([1, 2]) / 2, torch.tensor([1, 2]) // 2, torch.tensor([True]) + 1)
print(torch.tensor([1, 2], dtype=torch.int32) * 2.5, torch.tensor([1], dtype=torch.uint8) + 300)
