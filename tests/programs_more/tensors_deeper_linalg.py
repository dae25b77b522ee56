# Source: PyTorch tutorials, "Introduction to PyTorch - YouTube Series: Introduction to PyTorch Tensors"
#   (beginner_source/introyt/tensors_deeper_tutorial.py), https://pytorch.org/tutorials/beginner/introyt/tensorsyt_tutorial.html
# Changed: the "vector and linear algebra operations" cell in both its versions (torch.cross / torch.svd and
#   torch.linalg.cross / torch.linalg.svd), seeded, followed by the torch.linalg functions a learner tries next
#   (det, inv, solve, norm, slogdet, eigh, qr, matrix_power) and a gradient through det and inv.
import torch

torch.manual_seed(1729)

# vector and linear algebra operations
v1 = torch.tensor([1., 0., 0.])         # x unit vector
v2 = torch.tensor([0., 1., 0.])         # y unit vector
m1 = torch.rand(2, 2)                   # random matrix
m2 = torch.tensor([[3., 0.], [0., 3.]]) # three times identity matrix

print('\nVectors & Matrices:')
print(torch.linalg.cross(v2, v1)) # negative of z unit vector (v1 x v2 == -v2 x v1)
print(m1)
m3 = torch.linalg.matmul(m1, m2)
print(m3)                  # 3 times m1
print(torch.linalg.svd(m3))       # singular value decomposition

print(torch.cross(v2, v1, dim=0))
print(torch.matmul(m1, m2))
print(torch.svd(m3))

print('\nMore linear algebra:')
print(torch.det(m3), torch.linalg.det(m3))
print(torch.linalg.inv(m3))
print(torch.inverse(m3) @ m3)
print(torch.linalg.solve(m3, torch.tensor([1., 2.])))
print(torch.linalg.norm(m3), torch.linalg.norm(m3, 'nuc'), torch.linalg.norm(v1 + v2))
print(torch.linalg.slogdet(m3))
print(torch.linalg.eigh(m3 @ m3.T))
print(torch.linalg.qr(m3))
print(torch.linalg.matrix_power(m3, 3))
print(torch.trace(m3), torch.diag(m3), torch.diag(torch.tensor([1., 2.])))
print(torch.addmm(torch.ones(2), m1, m2, beta=0.5, alpha=2))

a = torch.rand(3, 3, requires_grad=True)
d = torch.det(a)
d.backward()
print(d)
print(a.grad)
b = torch.linalg.inv(a)
print(b.grad_fn, d.grad_fn)
b.sum().backward()
print(a.grad)

try:
    torch.linalg.inv(torch.tensor([[1., 2.], [2., 4.]]))
except torch.linalg.LinAlgError as e:
    print('singular:', str(e).splitlines()[0])
