"""explain(node): the derivative a backward function applies, one line per input, with its numbers.

    >>> explain(z.grad_fn)                      # z = x * y
    MulBackward0
      self: grad * other
            = grad * [3., 4.]
      other: grad * self
            = grad * [1., 2.]

Formulas come from derivatives.py by node name (this core's nodes and PyTorch's share names);
the numbers are the node's saved values (`_saved_<name>`), small tensors as values, large ones
as their shape. After a backward without retain_graph freed them, the formula stays and the
numbers say they were freed. `Explanation.evaluate(grad)` runs the formulas: what the node
would return for `grad`, computed from the formulas alone.
"""
import ast
import builtins
import functools
import html
import io
import math
import tokenize
from dataclasses import dataclass, field

from . import derivative_ops
from .derivatives import DERIVATIVES, DESCRIBED, DOUBLE
from .details import _num, is_tensor, values
from .saved_values import Freed, Missing, read

SMALL = 6  # tensors with at most this many elements show their values; larger ones, their shape
_HELPERS = {k: v for k, v in vars(derivative_ops).items() if not k.startswith("_")}
_BUILTINS = {"tuple": tuple, "range": range, "len": len, "float": float, "int": int, "abs": abs, "None": None,
             "True": True, "False": False}


@dataclass
class Explanation:
    """What `explain` returns.

    name: the node's class name. lines: [(input, formula, numeric)], numeric the formula with the saved
    values in (None when they cannot be read). where: the same for names the formulas define first.
    status: "known", "freed" (formula, no numbers), "described" (in words) or "unknown".
    """
    name: str
    lines: list = field(default_factory=list)
    where: list = field(default_factory=list)
    status: str = "known"
    note: str = ""
    node: object = field(default=None, repr=False, compare=False)

    def evaluate(self, *grads):
        """{input: what the formula gives} for the arriving gradient(s): the node's output, by the formulas."""
        if self.status != "known":
            raise ValueError(f"{self.name}: {self.note or 'no formula to evaluate'}")
        return _evaluate(self.node, self.name, grads)

    def to_data(self):
        """Plain data for the front end: name, status, note, lines and where as lists of dicts."""
        def rows(items):
            return [{"input": i, "formula": f, "numeric": n} for i, f, n in items]
        return {"name": self.name, "status": self.status, "note": self.note,
                "lines": rows(self.lines), "where": rows(self.where)}

    def __str__(self):
        out = [self.name]
        for i, f, n in self.where + self.lines:
            out.append(f"  {i}: {f}")
            if n is not None and n != f:
                out.append(f"      = {n}")
        if self.note:
            out.append(f"  ({self.note})")
        return "\n".join(out)

    __repr__ = __str__

    def _repr_html_(self):
        esc = html.escape
        rows = "".join(
            f"<tr><td style='text-align:right'><b>{esc(i)}</b>:</td><td><code>{esc(f)}</code>"
            + (f"<br><code style='color:#555'>= {esc(n)}</code>" if n is not None and n != f else "") + "</td></tr>"
            for i, f, n in self.where + self.lines)
        note = f"<div style='color:#777'>{esc(self.note)}</div>" if self.note else ""
        return f"<div><b>{esc(self.name)}</b><table>{rows}</table>{note}</div>"


def explain(node, grad=None) -> Explanation:
    """The derivative `node` (a backward function, or a tensor: its grad_fn) applies, as readable formulas.

    grad: the gradient arriving at the node (a tensor, or a tuple for a node with several outputs); when
    given, `grad` shows its values too.
    """
    if is_tensor(node):
        if node.grad_fn is None:
            raise ValueError("explain() needs a backward function (a tensor's .grad_fn); this tensor has none: "
                             "it is a leaf or needs no grad. Pass `t.grad_fn` of a tensor computed from one "
                             "that requires grad.")
        node = node.grad_fn
    if not hasattr(node, "next_functions"):
        raise TypeError(f"explain() takes a backward function (like `loss.grad_fn`), not {type(node).__name__}.")
    name = _name(node)
    grads = None if grad is None else grad if isinstance(grad, (tuple, list)) else (grad,)
    if name in DERIVATIVES:
        return _explain_formula(node, name, DERIVATIVES[name], grads)
    if name in DOUBLE:
        return _explain_double(node, name, grads)
    if name in DESCRIBED:
        return Explanation(name, [(i, f, None) for i, f in DESCRIBED[name].items()], status="described",
                           note=_described_note(node, name), node=node)
    return Explanation(name, status="unknown", node=node,
                       note=f"autograd_widgets has no formula for {name} yet: its derivative is computed, but "
                            "not explained here")


def _name(node):
    """The table name of a node: its class name, or the kind of node a custom Function's class is."""
    name = type(node).__name__
    if name == "torch::autograd::AccumulateGrad" or hasattr(node, "variable"):
        return "AccumulateGrad"
    known = name in DERIVATIVES or name in DOUBLE or name in DESCRIBED
    if not known and any(c.__name__ == "BackwardCFunction" for c in type(node).__mro__):
        return "BackwardCFunction"
    return name


def _described_note(node, name):
    if name == "BackwardCFunction":
        fn = getattr(node, "_forward_cls", None) or getattr(node, "_function", None)
        return f"a custom Function ({getattr(fn, '__name__', type(node).__name__)}): its derivative is its backward"
    if name == "AccumulateGrad":
        return "a leaf's gradient: nothing flows further"
    return ""


# --- formulas with numbers ------------------------------------------------------------------
def _items(entry):
    return [(k, v) for k, v in entry.items() if k != "where"]


def _needed(node, i, key):
    """Whether input i gets a gradient (a node saves nothing for, and returns None to, inputs that need none)."""
    nf = node.next_functions
    return key == "tensors" or i >= len(nf) or nf[i][0] is not None


def _explain_formula(node, name, entry, grads):
    env = _Env(node, grads)
    ex = Explanation(name, node=node)
    for key, formula in entry.get("where", {}).items():
        ex.where.append((key, formula, env.numeric(formula)))
        env.locals.add(key)
    for i, (key, formula) in enumerate(_items(entry)):
        ex.lines.append((key, formula, env.numeric(formula) if _needed(node, i, key) else None))
    if env.freed:  # as PyTorch frees a node's saved tensors together: no numbers at all, not half of them
        ex.lines = [(i, f, None) for i, f, _ in ex.lines]
        ex.where = [(i, f, None) for i, f, _ in ex.where]
        ex.status, ex.note = "freed", ("its saved tensors were freed by a backward without retain_graph=True; "
                                       "the numbers are gone, the formula stays")
    elif env.missing:
        ex.note = f"{', '.join(sorted(env.missing))}: not saved by this node, so not shown"
    return ex


def _explain_double(node, name, grads):
    first, names = _double_of(node, name)
    ex = Explanation(name, node=node)
    for key, formula in _items(DERIVATIVES[first]):
        ex.where.append((f"{first} {key}", formula, None))
    multi = len(_items(DERIVATIVES[first])) > 1
    plural = "s" if multi else ""
    for mine, theirs in names.items():
        text = f"∂/∂{theirs} of {first}'s formula{plural} (with {mine} as {theirs}), times grad{plural}"
        ex.lines.append((mine, text, None))
    ex.note = f"the derivative of {first}'s derivative: it runs when a gradient is itself differentiated"
    env = _Env(node, grads)
    for mine in names:
        env.numeric(mine)
    if env.freed:
        ex.status = "freed"
        ex.note += "; its saved tensors were freed by a backward without retain_graph=True"
    return ex


class _Env:
    """The names a node's formulas read: grad(s), saved values, and what this core keeps under other names."""

    def __init__(self, node, grads):
        self.node, self.grads = node, grads
        self.locals, self.missing, self.freed = set(), set(), False

    def numeric(self, formula):
        """The formula with every saved name replaced by its value (small) or shape (large); None if freed."""
        out, prev = [], None
        tokens = _tokens(formula)
        for i, tok in enumerate(tokens):
            text = tok.string
            nxt = tokens[i + 1].string if i + 1 < len(tokens) else ""
            if tok.type == tokenize.NAME and prev != "." and nxt not in ("(", "=") and text not in self.locals \
                    and text not in _HELPERS and text not in _BUILTINS and text not in ("if", "else", "not", "in",
                                                                                      "and", "or", "for", "is"):
                try:
                    text = _show(self.value(text))
                except Freed:
                    self.freed = True
                except Missing:
                    self.missing.add(text)
            out.append((tok, text))
            prev = tok.string
        if self.freed:
            return None
        return _untokenize(out)

    def value(self, name):
        if name in ("grad", "grads"):
            if self.grads is None:
                return _Symbol(name)
            return self.grads if name == "grads" else self.grads[0]
        return read(self.node, name)


@functools.cache  # the formulas are a fixed table: each is tokenized once
def _tokens(formula):
    return tuple(tokenize.generate_tokens(io.StringIO(formula).readline))


class _Symbol(str):
    """A name shown as itself (grad, when no gradient was given)."""


def _show(v):
    """A value as the numeric line shows it: small tensors' values, large tensors' shape, numbers as printed."""
    if isinstance(v, _Symbol):
        return str(v)
    if is_tensor(v):
        if v.numel() <= SMALL:
            return values(v, SMALL)
        return "(" + "×".join(str(n) for n in v.shape) + " tensor)"
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, float):
        return "inf" if v == math.inf else "-inf" if v == -math.inf else _num(v)
    if isinstance(v, (tuple, list)):
        return "(" + ", ".join(_show(x) for x in v) + ("," if len(v) == 1 and isinstance(v, tuple) else "") + ")" \
            if isinstance(v, tuple) else "[" + ", ".join(_show(x) for x in v) + "]"
    return repr(v)


def _untokenize(tokens):
    """Tokens back into one line, keeping the formula's own spacing."""
    out, col = [], 0
    for tok, text in tokens:
        if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
            continue
        start = tok.start[1]
        if start > col:
            out.append(" " * (start - col))
        out.append(text)
        col = tok.end[1]
    return "".join(out)


# --- evaluating the formulas ------------------------------------------------------------------
def _evaluate(node, name, grads):
    grads = tuple(grads)
    if name in DOUBLE:
        return _evaluate_double(node, name, grads)
    lib = derivative_ops.lib(next(g for g in grads if g is not None))
    with lib.no_grad():
        return _run(DERIVATIVES[name], _Scope(node, grads))


class _Scope(dict):
    """The namespace formulas run in: helpers, then grad(s), then the node's values, read on first use."""

    def __init__(self, node, grads, given=None):
        super().__init__(_HELPERS)
        self.update(_BUILTINS)
        self.node = node
        self["grads"] = grads
        self["grad"] = grads[0] if grads else None
        self.update(given or {})

    def __missing__(self, key):
        value = read(self.node, key)
        if not is_tensor(value) and hasattr(value, "shape") and hasattr(value, "dtype"):  # an array this core kept
            value = derivative_ops.lib(self["grad"]).tensor(value)
        if key in ("A", "A_h", "A_w") and self["grad"] is not None:  # interpolation matrices: in grad's dtype
            value = value.to(self["grad"].dtype)
        self[key] = value
        return value


def _run(entry, scope, every_input=False):
    """{input: value} of an entry's formulas (those of inputs that get a gradient, or all) in `scope`."""
    for key, formula in entry.get("where", {}).items():
        scope[key] = eval(_compile(formula), _GLOBALS, scope)  # the table's own formulas, nothing a user typed
    return {key: eval(_compile(formula), _GLOBALS, scope)
            for i, (key, formula) in enumerate(_items(entry)) if every_input or _needed(scope.node, i, key)}


_CODE = {}
_GLOBALS = {"__builtins__": builtins}  # PyTorch's C++ may import while a formula runs: it needs __import__


def _compile(formula):
    code = _CODE.get(formula)
    if code is None:
        ast.parse(formula, mode="eval")  # a SyntaxError names the formula
        code = _CODE[formula] = compile(formula, "<derivative>", "eval")
    return code


def _double_of(node, name):
    """(first-order node name, {input: its name there}) for a node that differentiates another's formula."""
    try:
        if read(node, "is_result"):  # elu_ in place saved its result, not its input
            return DOUBLE[name + " is_result"]
    except Missing:
        pass
    return DOUBLE[name]


def _evaluate_double(node, name, grads):
    """The derivative of the first-order formula along `grads`, by the library's autograd on the formula's ops."""
    first, names = _double_of(node, name)
    lib = derivative_ops.lib(next(g for g in grads if g is not None))
    leaves, given = {}, {}
    for mine, theirs in names.items():
        try:
            v = read(node, mine)
        except Missing:  # PyTorch keeps no grad_output where the derivative does not depend on it (piecewise linear)
            if theirs != "grad":
                raise
            v = lib.zeros_like(grads[0])
        if is_tensor(v):
            v = v.detach().requires_grad_(True)
            leaves[mine] = v
        given[theirs] = v
    with lib.enable_grad():
        outs = _run(DERIVATIVES[first], _Scope(node, (given["grad"],), given), every_input=True)
        total = 0
        for (key, _), g in zip(_items(DERIVATIVES[first]), grads):
            if g is not None and is_tensor(outs[key]) and outs[key].requires_grad:
                total = total + (outs[key] * g).sum()
        got = lib.autograd.grad(total, list(leaves.values()), allow_unused=True) if is_tensor(total) \
            else [None] * len(leaves)
    return {k: (lib.zeros_like(leaves[k]) if g is None else g) for k, g in zip(leaves, got)}
