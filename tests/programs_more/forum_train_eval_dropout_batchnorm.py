# Source: PyTorch forums, "model.eval() vs with torch.no_grad()" https://discuss.pytorch.org/t/19296
#   and Stack Overflow "What does model.eval() do in pytorch?" https://stackoverflow.com/questions/60018578
# Changed: a small model with Dropout and BatchNorm1d on random inputs; seeded; values printed.
import torch
import torch.nn as nn

torch.manual_seed(0)

model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Dropout(p=0.5), nn.Linear(6, 2))
print(model)
x = torch.randn(8, 4)

print(model.training, model[3].training)
out_train = model(x)
print(out_train)
print(model[1].running_mean, model[1].running_var, model[1].num_batches_tracked)

model.eval()
print(model.training, model[3].training)
with torch.no_grad():
    out_eval1 = model(x)
    out_eval2 = model(x)
print(torch.equal(out_eval1, out_eval2), out_eval1.requires_grad)
print(out_eval1)

model.train()
a = model(x)
b = model(x)
print(torch.equal(a, b))

drop = nn.Dropout(p=0.2)
inp = torch.randn(20, 16)
out = drop(inp)
print((out == 0).sum(), out[0, :4])
drop.eval()
print(torch.equal(drop(inp), inp))

m = nn.BatchNorm1d(100)
m = nn.BatchNorm1d(100, affine=False)
input = torch.randn(20, 100)
output = m(input)
print(output.mean().item() < 1e-6, output[0, :3], m.running_mean[:3])
print(m)
print(list(model.state_dict().keys()))
print(model.state_dict()['1.running_var'])
