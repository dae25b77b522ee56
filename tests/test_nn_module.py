"""torch.nn's module system against PyTorch: registration, traversal order, state_dict, hooks, modes,
reprs of nested models, containers, init and gradient clipping.

Each program runs under autograd_widgets and under PyTorch and must print the same text.
"""
import math

import numpy as np
import pytest

import autograd_widgets as aw
from raised import raised

torch = pytest.importorskip("torch")


def same(program):
    """Run program(T) for both modules; their printed results must match line for line."""
    ours, theirs = program(aw), program(torch)
    assert ours == theirs
    return ours


def error(fn):
    """'ExceptionType: PyTorch's words' of what fn() raises (our explanation cut off)."""
    what = raised(fn)
    return "no error" if what is None else f"{what[0].__name__}: {what[1]}"


def affine(T):
    """A module holding parameters made from fixed values (no random initialisation involved)."""
    class Affine(T.nn.Module):
        def __init__(self, n=2):
            super().__init__()
            self.weight = T.nn.Parameter(T.arange(n * n, dtype=T.float32).reshape(n, n) / 10)
            self.bias = T.nn.Parameter(T.ones(n))

        def forward(self, x):
            return x @ self.weight + self.bias
    return Affine


def net(T):
    Affine = affine(T)

    class Net(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = Affine()
            self.act = T.nn.Tanh()
            self.blocks = T.nn.Sequential(Affine(), T.nn.Sequential(T.nn.ReLU(), T.nn.Sigmoid()))
            self.heads = T.nn.ModuleDict({"b": Affine(), "a": T.nn.Identity()})
            self.register_buffer("steps", T.zeros(1))
            self.register_buffer("cache", T.ones(2), persistent=False)

        def forward(self, x):
            return self.heads["b"](self.blocks(self.act(self.fc1(x))))
    return Net()


def test_registration_order_and_traversal_match_pytorch():
    def program(T):
        m = net(T)
        m.shared = m.fc1  # the same module twice: traversals visit it once
        return [[n for n, _ in m.named_parameters()], [n for n, _ in m.named_buffers()],
                [n for n, _ in m.named_modules()], [n for n, _ in m.named_children()],
                [type(c).__name__ for c in m.children()], len(list(m.parameters())),
                [n for n, _ in m.named_parameters(prefix="model", recurse=True)],
                [n for n, _ in m.fc1.named_parameters(recurse=False)], list(m.state_dict()),
                [n for n, _ in m.named_modules(remove_duplicate=False)]]
    result = same(program)
    assert result[0] == ["fc1.weight", "fc1.bias", "blocks.0.weight", "blocks.0.bias", "heads.b.weight",
                         "heads.b.bias"]


def test_attribute_rules_and_their_errors_match_pytorch():
    def program(T):
        m = net(T)
        out = [error(lambda: m.nothing), error(lambda: setattr(m.fc1, "weight", T.ones(2))),
               error(lambda: m.register_buffer("fc1", T.ones(1))), error(lambda: m.register_parameter("x.y", None)),
               error(lambda: m.register_parameter("w", T.ones(2))), error(lambda: m.add_module("q", 3)),
               error(lambda: m.register_buffer("", None)), error(lambda: m.register_buffer("b", 3)),
               error(lambda: m.register_parameter("p", T.nn.Parameter(T.ones(1)) * 2)),
               error(lambda: m.get_submodule("blocks.7")), error(lambda: m.get_parameter("fc1.nope")),
               error(lambda: m.get_parameter("blocks.0")), error(lambda: setattr(m, "fc1", 3))]

        class Early(T.nn.Module):
            def __init__(self):
                self.fc = T.nn.Identity()
        out.append(error(Early))
        m.fc1.bias = None  # a parameter slot set to None stays registered, and out of state_dict
        m.extra = T.nn.Parameter(T.ones(3))
        m.plain = T.ones(1)  # a plain tensor is an attribute, not a buffer
        m.steps = T.full((1,), 7.)  # assigning to a buffer's name replaces the buffer
        del m.act
        out += [list(m.state_dict()), "bias" in m.fc1._parameters, m.fc1.bias, m.get_buffer("steps").tolist(),
                m.get_submodule("blocks.1.0").__class__.__name__, m.get_parameter("blocks.0.bias").tolist(),
                sorted(set(dir(m)) - set(dir(T.nn.Module)))]
        return out
    result = same(program)
    assert result[0] == "AttributeError: 'Net' object has no attribute 'nothing'"
    assert result[13] == "AttributeError: cannot assign module before Module.__init__() call"


def test_repr_of_nested_models_matches_pytorch():
    def program(T):
        nn = T.nn
        m = net(T)
        m.stack = nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.ReLU(inplace=True), nn.Tanh(), nn.Tanh()])
        m.plist = nn.ParameterList([nn.Parameter(T.ones(2, 3)), T.zeros(4, dtype=T.float64)])
        m.pdict = nn.ParameterDict({"w": T.ones(2, 3), "b": T.zeros(2)})
        return [repr(m), str(nn.Sequential()), repr(nn.ModuleList()), repr(m.blocks[1]), repr(m.stack[1:3])]
    result = same(program)
    assert result[0].startswith("Net(\n  (fc1): Affine()\n  (act): Tanh()\n  (blocks): Sequential(\n")


def test_containers_index_slice_and_grow_as_pytorch():
    def program(T):
        nn = T.nn
        s = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
        out = [repr(s[0]), repr(s[-1]), repr(s[1:]), len(s), [type(x).__name__ for x in s], error(lambda: s[3])]
        s.append(nn.Identity()).insert(1, nn.Softmax(dim=0)).extend([nn.LogSoftmax(dim=1)])
        out += [repr(s), repr(s + nn.Sequential(nn.ReLU())), error(lambda: s + 3)]
        del s[1]
        s[0] = nn.GELU()
        out += [repr(s), s.pop(-1).__class__.__name__, len(s)]
        od = nn.Sequential(__import__("collections").OrderedDict([("first", nn.ReLU()), ("second", nn.Tanh())]))
        out += [repr(od), repr(od.second), repr(od[1])]
        x = T.tensor([[-1., 2.]])
        out.append(nn.Sequential(nn.ReLU(), nn.Tanh())(x).tolist())
        ml = nn.ModuleList([nn.ReLU()])
        ml += [nn.Tanh()]
        ml.insert(0, nn.Sigmoid())
        out += [repr(ml), repr(ml[-1]), len(ml), error(lambda: ml[5]), repr(ml + nn.ModuleList([nn.Identity()]))]
        md = nn.ModuleDict([("x", nn.ReLU())])
        md["y"] = nn.Tanh()
        md.update({"z": nn.Sigmoid()})
        out += [list(md), list(md.keys()), "y" in md, repr(md.pop("x")), repr(md)]
        pl = nn.ParameterList([T.ones(2)])
        pl.append(T.zeros(3))
        out += [[type(p).__name__ for p in pl], [p.requires_grad for p in pl], len(pl), repr(pl),
                error(lambda: pl())]
        pd = nn.ParameterDict({"b": T.ones(1), "a": T.zeros(1)})  # a plain dict's keys are sorted
        pd["c"] = T.ones(2)
        out += [list(pd), [n for n, _ in pd.named_parameters()], "a" in pd, repr(pd), error(lambda: pd[0])]
        return out
    same(program)


def test_state_dict_round_trip_and_load_errors_match_pytorch():
    def program(T):
        a, b = net(T), net(T)
        with T.no_grad():
            a.fc1.weight.mul_(3)
            a.steps.fill_(5)
        sd = a.state_dict()
        out = [list(sd), type(sd).__name__, sd["fc1.weight"].requires_grad, sd["fc1.weight"].grad_fn,
               str(b.load_state_dict(sd)), b.fc1.weight.tolist(), b.steps.tolist(), b.fc1.weight.requires_grad,
               list(sd._metadata)]
        with T.no_grad():
            sd["fc1.weight"][0, 0] = 100.  # state_dict tensors share memory with the parameters
        out.append(a.fc1.weight[0, 0].item())
        bad = dict(sd)
        del bad["fc1.bias"]
        bad["extra.weight"] = T.ones(1)
        bad["blocks.0.weight"] = T.ones(3)
        out += [error(lambda: b.load_state_dict(bad)), error(lambda: b.load_state_dict([1]))]
        del bad["blocks.0.weight"]
        result = b.load_state_dict(bad, strict=False)
        out += [repr(result), result.missing_keys, result.unexpected_keys]
        out.append(list(a.state_dict(keep_vars=True)["fc1.bias"].shape))
        out.append(a.state_dict(keep_vars=True)["fc1.bias"] is a.fc1.bias)
        return out
    result = same(program)
    assert result[4] == "<All keys matched successfully>"


def test_forward_hooks_and_pre_hooks_run_as_pytorchs():
    def program(T):
        m = affine(T)()
        calls = []
        h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        h2 = m.register_forward_hook(lambda mod, args, out: out + 1)
        h3 = m.register_forward_hook(lambda mod, args, out: calls.append((type(mod).__name__, len(args))))
        h4 = m.register_forward_pre_hook(lambda mod, args, kwargs: calls.append(sorted(kwargs)), with_kwargs=True)
        h5 = m.register_forward_hook(lambda mod, args, out: calls.append("first"), prepend=True)
        x = T.ones(1, 2)
        out = [m(x).tolist()]
        for h in (h1, h2, h3, h4, h5):
            h.remove()
        out += [m(x).tolist(), calls]
        return out
    same(program)


def test_train_eval_requires_grad_and_zero_grad():
    def program(T):
        m = net(T)
        out = [m.training, m.eval() is m, [x.training for x in m.modules()], m.train().blocks[1][0].training,
               error(lambda: m.train("yes"))]
        m.blocks.eval()
        out.append([x.training for x in m.modules()])
        loss = m(T.ones(1, 2)).sum()
        loss.backward()
        out.append([p.grad is None for p in m.parameters()])
        m.zero_grad(set_to_none=False)
        out.append([p.grad.tolist() for p in m.parameters()])
        m.zero_grad()
        out.append([p.grad for p in m.parameters()])
        m.requires_grad_(False)
        out.append([p.requires_grad for p in m.parameters()])
        seen = []
        m.apply(lambda mod: seen.append(type(mod).__name__))
        out.append(seen)
        return out
    same(program)


def test_to_and_double_keep_the_parameter_objects_and_integer_buffers():
    def program(T):
        m = net(T)
        m.register_buffer("count", T.tensor(3))
        w = m.fc1.weight
        m.double()
        out = [m.fc1.weight is w, w.dtype, m.count.dtype, m.steps.dtype, type(m.fc1.weight).__name__,
               m.fc1.weight.requires_grad, m(T.ones(1, 2, dtype=T.float64)).dtype]
        m.to(T.float32)
        out += [w.dtype, m.to("cpu") is m, m.float() is m, m.steps.dtype, error(lambda: m.to(T.int64))]
        return [str(x) for x in out]
    same(program)


def test_parameter_and_buffer_classes():
    def program(T):
        p = T.nn.Parameter(T.tensor([1., 2.]))
        q = T.nn.Parameter(T.tensor([1., 2.]), requires_grad=False)
        m = T.nn.Module()
        m.b = T.nn.Buffer(T.ones(2), persistent=False)
        m.c = T.nn.Buffer(T.ones(1))
        import copy
        d = copy.deepcopy(p)
        return [repr(p), str(q), p.is_leaf, type(p * 2).__name__, type(d).__name__, d.requires_grad,
                [n for n, _ in m.named_buffers()], list(m.state_dict()), repr(T.nn.Parameter()),
                error(lambda: T.nn.Parameter(T.tensor([1, 2]))), repr(T.nn.Parameter(T.tensor([1, 2]), False))]
    same(program)


def test_init_gain_fans_and_deterministic_fills_match_pytorch():
    def program(T):
        init = T.nn.init
        w = T.empty(3, 4, 5)
        out = [init.calculate_gain(n) for n in ("linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu")]
        out += [init.calculate_gain("leaky_relu", 0.2), error(lambda: init.calculate_gain("nope")),
                error(lambda: init.calculate_gain("leaky_relu", "x")), init._calculate_fan_in_and_fan_out(w),
                error(lambda: init._calculate_fan_in_and_fan_out(T.empty(3)))]
        e = T.empty(2, 3, requires_grad=True)
        out += [init.eye_(e).tolist(), e.requires_grad, init.constant_(e, 0.5).tolist(), init.zeros_(e).tolist(),
                init.ones_(e).tolist(), error(lambda: init.eye_(T.empty(2, 2, 2))),
                error(lambda: init.kaiming_uniform_(e, mode="fan_avg"))]
        return out
    same(program)


def grads_of(T, values):
    ps = [T.nn.Parameter(T.tensor(v)) for v in values]
    for p in ps:
        p.grad = T.tensor(p.detach().tolist()) * 3
    return ps


VALUES = [[[0.1, -2.5], [3.25, 0.75]], [1.5, -0.3, 0.01], [[[4.0]]]]


@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (100.0, 2.0), (0.5, 1), (2.0, math.inf), (1.0, 3.0)])
def test_clip_grad_norm_matches_pytorch_bit_for_bit(max_norm, norm_type):
    def program(T):
        ps = grads_of(T, VALUES)
        total = T.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        return [repr(total), [np.asarray(p.grad).tobytes() for p in ps], np.asarray(total).tobytes()]
    same(program)


def test_clip_grad_value_errors_and_vectors_match_pytorch():
    def program(T):
        ps = grads_of(T, VALUES)
        T.nn.utils.clip_grad_value_(ps, 2.0)
        out = [[p.grad.tolist() for p in ps]]
        ps[0].grad[0, 0] = float("inf")
        out.append(error(lambda: T.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)))
        out.append(repr(T.nn.utils.clip_grad_norm_([], 1.0)))
        out.append(repr(T.nn.utils.clip_grad_norm_(T.nn.Parameter(T.ones(2)), 1.0)))
        v = T.nn.utils.parameters_to_vector(ps)
        out += [v.tolist()[3:], v.grad_fn.name()]
        T.nn.utils.vector_to_parameters(T.arange(9.), ps)
        out += [[p.tolist() for p in ps], error(lambda: T.nn.utils.vector_to_parameters([1.], ps))]
        return out
    same(program)


def test_full_backward_hooks_see_and_replace_gradients_as_pytorchs():
    def program(T):
        m = affine(T)()
        log = []

        def hook(mod, grad_input, grad_output):
            log.append((type(mod).__name__, [g if g is None else g.tolist() for g in grad_input],
                        [g.tolist() for g in grad_output]))

        def pre(mod, grad_output):
            log.append([g.tolist() for g in grad_output])
            return (grad_output[0] * 2,)
        handles = [m.register_full_backward_hook(hook), m.register_full_backward_pre_hook(pre)]
        x = T.tensor([[1., -2.]], requires_grad=True)
        y = m(x)
        add = y.grad_fn.next_functions[0][0]  # the outputs pass through the hook's identity node
        names = [type(y.grad_fn).__name__, [type(f).__name__ for f, _ in add.next_functions]]
        y.sum().backward()
        out = [names, list(log), x.grad.tolist(), m.weight.grad.tolist()]
        log.clear()
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m(T.ones(1, 2)).sum().backward()  # no input requires grad: grad_input is (None,)
        out += [list(log), [str(w.message)[:40] for w in caught]]
        for h in handles:
            h.remove()
        m.register_full_backward_hook(lambda mod, gin, gout: (gin[0] * 0,))
        x.grad = None
        m(x).sum().backward()
        return out + [x.grad.tolist()]
    result = same(program)
    assert result[0] == ["BackwardHookFunctionBackward", ["MmBackward0", "AccumulateGrad"]]
