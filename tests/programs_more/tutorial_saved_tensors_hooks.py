# Source: PyTorch tutorial "Hooks for autograd saved tensors"
#   https://pytorch.org/tutorials/intermediate/autograd_saved_tensors_hooks_tutorial.html
# Changed: the memory measurements and CUDA/disk offloading dropped; _raw_saved_*.register_hooks cases
#   (errors, a node's own output, a hook that changes the value) added; cells joined.
import torch
torch.manual_seed(0)
a = torch.randn(5, requires_grad=True)
b = torch.ones(5, requires_grad=True)
def f(x, y):
    return x * y
print(f(a, b).grad_fn._saved_self.equal(a))
y = a.pow(2)
print(y.grad_fn._saved_self is a)
print(a.equal(y.grad_fn._saved_self))
x = torch.randn(5, requires_grad=True)
y = x.exp()
print(y.equal(y.grad_fn._saved_result))
print(y is y.grad_fn._saved_result)
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(y.grad_fn._saved_self.equal(x))
y = x.pow(2)
y.sum().backward()
try:
    y.grad_fn._saved_self
except RuntimeError as e:
    print(str(e).splitlines()[0])
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
y.grad_fn._raw_saved_self.register_hooks(lambda x: x, lambda x: x)
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
def pack_hook(x):
    return x.numpy().copy() if not x.requires_grad else x.detach().numpy().copy()
def unpack_hook(x):
    return torch.tensor(x)
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    x = torch.randn(5, requires_grad=True)
    y = x * x
    y.sum().backward()
print(torch.allclose(x.grad, 2 * x))
with torch.autograd.graph.save_on_cpu(pin_memory=False):
    x = torch.randn(3, requires_grad=True)
    z = (x * x).sum()
    z.backward()
print(x.grad.equal(2 * x))
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(y.grad_fn._saved_exponent if hasattr(y.grad_fn, '_saved_exponent') else None)
print(y.grad_fn.next_functions)
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
r = y.grad_fn._raw_saved_self
print(type(r))
r.register_hooks(lambda t: (print('pack', t.shape), t * 1)[1], lambda t: (print('unpack'), t)[1])
print('registered')
print(y.grad_fn._saved_self.shape)
try: r.register_hooks(lambda t: t, lambda t: t)
except Exception as e: print(type(e).__name__, str(e).splitlines()[0])
y.sum().backward()
print(torch.allclose(x.grad, 2 * x))
try: y.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t)
except Exception as e: print(type(e).__name__, str(e).splitlines()[0])
z = x.exp(); r = z.grad_fn._raw_saved_result; print(type(r).__name__)
try: r.register_hooks(lambda t: t, 1)
except Exception as e: print(type(e).__name__, str(e).splitlines()[0])
r.register_hooks(lambda t: (print('pack result', t.grad_fn), t)[1], lambda t: t)
z.sum().backward(); print(torch.allclose(x.grad, 2 * x + x.exp()))
w = x * 2
print(hasattr(w.grad_fn, '_raw_saved_self'))
a = torch.randn(3, requires_grad=True); b = torch.randn(3, requires_grad=True)
m = a * b
m.grad_fn._raw_saved_other.register_hooks(lambda t: t.detach() * 10, lambda t: t)
m.sum().backward(); print(torch.allclose(a.grad, b * 10), torch.allclose(b.grad, a))
