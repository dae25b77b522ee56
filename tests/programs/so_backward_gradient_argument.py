# Source: Stack Overflow, "Backward function in PyTorch", answer by Shai on what backward()'s gradient
#   argument is (the upstream gradient d loss / d out), read as the translated copy at
#   https://isolution.pro/pl/q/so70246575/funkcja-wsteczna-w-pytorch
# Changed: a.grad is reset to None before the second part (the answer shows each result on a fresh a);
#   a third part passes a non-uniform upstream gradient and shows the error for a non-scalar output
#   without one (first paragraph of the message).
import torch

a = torch.tensor([[1,2,3],[4,5,6]], dtype=torch.float, requires_grad=True)
for i in range(2):
  for j in range(3):
    out = a[i,j] * a[i,j]
    out.backward()
print(a.grad)

a.grad = None
out = a * a
out.backward(torch.ones(2,3))
print(a.grad)

a.grad = None
out = a * a
out.backward(a)
print(a.grad)

out = a * a
try:
    out.backward()
except RuntimeError as e:
    print(type(e).__name__, str(e).split("\n\n")[0])
