# Source: PyTorch documentation, torch.autograd.graph: register_multi_grad_hook (its docstring example),
#   get_gradient_edge, increment_version, disable_saved_tensors_hooks, allow_mutation_on_saved_tensors;
#   https://pytorch.org/docs/stable/autograd.html
# Changed: the examples joined in one program, with prints; a few misuses added (their errors printed), and
#   autograd.grad with a GradientEdge and with a dict of inputs.
import torch
torch.manual_seed(0)
a = torch.rand(2, 3, requires_grad=True)
b = torch.rand(2, 3, requires_grad=True)
c = a * b
d = a * b

def fn(grads):
    print([g is not None for g in grads])

h = torch.autograd.graph.register_multi_grad_hook((a, b, c, d), fn)
c.sum().backward(retain_graph=True)
c.sum().backward(inputs=(a,), retain_graph=True)
(c + d).sum().backward(retain_graph=True)
h.remove()
c.sum().backward(retain_graph=True)
print("removed: no call")

seen = []
h2 = torch.autograd.graph.register_multi_grad_hook((a, b), lambda g: seen.append(g.shape), mode="any")
(a * 2 + b).sum().backward()
print(seen)
h2.remove()
try:
    torch.autograd.graph.register_multi_grad_hook((a,), fn, mode="some")
except Exception as e: print(type(e).__name__, str(e).splitlines()[0])

x = torch.randn(3, requires_grad=True)
y = (x * x).exp()
loss = y.sum()
e = torch.autograd.graph.get_gradient_edge(x)
print(type(e).__name__, e.node.name(), e.output_nr, e._fields)
ey = torch.autograd.graph.get_gradient_edge(y)
print(ey.node.name(), ey.output_nr)
g1, = torch.autograd.grad(loss, x, retain_graph=True)
g2, = torch.autograd.grad(loss, e, retain_graph=True)
g3, = torch.autograd.grad(loss, ey, retain_graph=True)
print(torch.equal(g1, g2), g3)
try:
    torch.autograd.graph.get_gradient_edge(torch.ones(2))
except Exception as ex: print(type(ex).__name__, str(ex).splitlines()[0])
try:
    torch.autograd.grad(loss, [e, torch.autograd.graph.get_gradient_edge(torch.ones(2, requires_grad=True))], materialize_grads=True, retain_graph=True)
except Exception as ex: print(type(ex).__name__, str(ex).splitlines()[0])
print(torch.autograd.grad(loss, {"x": x}, retain_graph=True))
try:
    torch.autograd.grad(loss, x, materialize_grads=True, allow_unused=False)
except Exception as ex: print(type(ex).__name__, str(ex).splitlines()[0])
u = torch.ones(2, requires_grad=True)
print(torch.autograd.grad(loss, [x, u], materialize_grads=True, retain_graph=True, create_graph=True)[1])

w = torch.randn(3, requires_grad=True)
z = w.exp()
z.data.mul_(2)  # invisible to autograd
torch.autograd.graph.increment_version(z)
try:
    z.sum().backward()
except Exception as ex: print(type(ex).__name__, str(ex).splitlines()[0][:120])
torch.autograd.graph.increment_version([w.detach(), z])

with torch.autograd.graph.disable_saved_tensors_hooks("no saved-tensor hooks in this block"):
    try:
        with torch.autograd.graph.save_on_cpu():
            pass
    except Exception as ex: print(type(ex).__name__, ex)
with torch.autograd.graph.save_on_cpu():
    print("hooks work again")

# allow_mutation_on_saved_tensors (its docstring example, then a saved output changed in place)
with torch.autograd.graph.allow_mutation_on_saved_tensors():
    a = torch.ones(2, 3, requires_grad=True)
    b = a.clone()
    out = (b**2).sum()
    print(b.sin_())
    out.sum().backward()
print(a.grad)
x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
with torch.autograd.graph.allow_mutation_on_saved_tensors() as ctx:
    y = x.exp()
    z = (y * y).sum()
    y.mul_(10)
    y2 = y.clone(); y2.zero_()
    z.backward()
    print(type(ctx).__name__)
print(x.grad, y)
try:
    with torch.autograd.graph.allow_mutation_on_saved_tensors():
        with torch.autograd.graph.allow_mutation_on_saved_tensors():
            pass
except RuntimeError as e: print(str(e).splitlines()[0])
w = torch.ones(3, requires_grad=True)
v = w.clone()
o = (v ** 2).sum()
v.sin_()
try:
    o.backward()
except RuntimeError as e: print(str(e).splitlines()[0][:100])
with torch.autograd.graph.disable_saved_tensors_hooks("hooks are off"):
    try:
        with torch.autograd.graph.allow_mutation_on_saved_tensors():
            pass
    except RuntimeError as e: print(e)
