"""outer and einsum, written with the core's ops (so they differentiate to any order).

outer builds PyTorch's graph (a view times b). einsum gives PyTorch's values and gradients, but
its graph is this engine's (permute, unsqueeze, mul, sum), not PyTorch's bmm-based one.
"""
from .. import errors
from ..tensor import Tensor


def outer(input, vec2):
    return input.reshape(-1, 1) * vec2


ger = outer


def _parse(equation, operands):
    eq = equation.replace(" ", "")
    inputs, arrow, output = eq.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise errors.runtime("einsum(): more operands were provided than specified in the equation"
                             if len(operands) > len(terms) else
                             "einsum(): fewer operands were provided than specified in the equation",
                             "Give one comma-separated subscript term per operand.")
    if "." in eq:
        raise NotImplementedError("autograd_widgets: einsum with '...' is not supported yet.")
    if not arrow:  # implicit output: the letters that occur once, in alphabetical order
        letters = "".join(terms)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return terms, output


def einsum(equation, *operands):
    """Each operand is lined up on one axis per letter, the product taken, and the other letters summed."""
    if len(operands) == 1 and not isinstance(operands[0], Tensor):
        operands = tuple(operands[0])
    terms, output = _parse(equation, operands)
    letters = list(output) + sorted({c for t in terms for c in t} - set(output))
    product = None
    for term, x in zip(terms, operands):
        if len(term) != x.dim():
            raise errors.runtime(f"einsum(): the number of subscripts in the equation ({len(term)}) does not match "
                                 f"the number of dimensions ({x.dim()}) for operand {terms.index(term)} and no "
                                 "ellipsis was given", "Write one letter per dimension of each operand.")
        if len(set(term)) != len(term):
            raise NotImplementedError("autograd_widgets: einsum with a letter repeated in one operand (a trace or "
                                      "diagonal, 'ii->') is not supported yet.")
        order = sorted(range(len(term)), key=lambda k: letters.index(term[k]))
        x = x.permute(*order) if order != list(range(len(term))) else x
        placed = [term[k] for k in order]
        for pos, c in enumerate(letters):
            if c not in placed:
                x = x.unsqueeze(pos)
                placed.insert(pos, c)
        product = x if product is None else product * x
    summed = tuple(range(len(output), len(letters)))
    return product.sum(summed) if summed else product

