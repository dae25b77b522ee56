"""A loss curve drawn as SVG text: made in Python, so it shows in a notebook exported to HTML too.

    loss_curve_svg([0.9, 0.5, 0.3], zero_grad=[True, True, False])

Steps whose backward ran without zero_grad are ringed in orange. A loss spanning more than two
orders of magnitude is drawn on a log scale (a diverging run would flatten everything else);
non-finite losses (inf, nan) are left out and counted below the curve.
"""
import html
import math

WIDTH, HEIGHT = 380, 170
LEFT, RIGHT, TOP, BOTTOM = 58, 12, 14, 30  # room for the axis labels
MAX_RINGS = 400                             # beyond this many steps the rings would only blur the line


def loss_curve_svg(losses: list, zero_grad: list) -> str:
    """The curve of `losses` (one float per step); `zero_grad[i]` says whether step i zeroed the grads first."""
    n = len(losses)
    if not n:
        return (f"<svg class='aw-loss-curve' data-steps='0' width='{WIDTH}' height='{HEIGHT}' "
                f"xmlns='http://www.w3.org/2000/svg'><rect width='100%' height='100%' fill='#fafafa'/>"
                f"<text x='{WIDTH / 2}' y='{HEIGHT / 2}' text-anchor='middle' fill='#888' font-size='12'>"
                "press step: each step's loss is drawn here</text></svg>")
    finite = [(i, v) for i, v in enumerate(losses) if math.isfinite(v)]
    values = [v for _, v in finite]
    log = bool(values) and min(values) > 0 and max(values) / min(values) > 100
    scale = math.log10 if log else (lambda v: v)
    low, high = (scale(min(values)), scale(max(values))) if values else (0.0, 1.0)
    if high == low:
        low, high = low - 0.5, high + 0.5
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i):
        return LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y(v):
        return TOP + inner_h * (high - scale(v)) / (high - low)

    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in finite)
    parts = [f"<svg class='aw-loss-curve' data-steps='{n}' width='{WIDTH}' height='{HEIGHT}' "
             "xmlns='http://www.w3.org/2000/svg' font-family='sans-serif' font-size='11'>",
             "<rect width='100%' height='100%' fill='#fafafa'/>",
             f"<line x1='{LEFT}' y1='{TOP}' x2='{LEFT}' y2='{TOP + inner_h}' stroke='#999'/>",
             f"<line x1='{LEFT}' y1='{TOP + inner_h}' x2='{LEFT + inner_w}' y2='{TOP + inner_h}' stroke='#999'/>",
             _text(LEFT - 4, TOP + 4, _number(max(values)) if values else "", "end"),
             _text(LEFT - 4, TOP + inner_h, _number(min(values)) if values else "", "end"),
             _text(LEFT, HEIGHT - 14, "1", "middle"),
             _text(LEFT + inner_w, HEIGHT - 14, str(n), "middle"),
             _text(LEFT + inner_w / 2, HEIGHT - 3, "step" + (" (loss on a log scale)" if log else ""), "middle"),
             f"<polyline class='aw-loss-line' points='{points}' fill='none' stroke='#1f77b4' stroke-width='1.5'/>"]
    if n <= MAX_RINGS:
        parts += [f"<circle class='aw-no-zero-grad' cx='{x(i):.1f}' cy='{y(v):.1f}' r='3' fill='none' "
                  f"stroke='#ff7f0e' stroke-width='1.5'/>" for i, v in finite if not zero_grad[i]]
    if finite and finite[-1][0] == n - 1:
        i, v = finite[-1]
        parts.append(f"<circle cx='{x(i):.1f}' cy='{y(v):.1f}' r='2.5' fill='#1f77b4'/>")
    last = losses[-1]
    parts.append(_text(LEFT + inner_w, TOP + 2, f"loss {_number(last)}", "end", "aw-loss-last"))
    if not all(zero_grad):
        parts.append(_text(LEFT + 6, TOP + 2, "○ no zero_grad", "start", fill="#ff7f0e"))
    if len(finite) < n:
        parts.append(_text(LEFT + inner_w / 2, TOP + inner_h / 2, f"{n - len(finite)} step(s) gave inf or nan",
                           "middle", fill="#a00"))
    return "".join(parts) + "</svg>"


def _number(v):
    return f"{v:.4g}"


def _text(x, y, text, anchor, cls="", fill="#444"):
    klass = f" class='{cls}'" if cls else ""
    return (f"<text{klass} x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}'>"
            f"{html.escape(text)}</text>")
