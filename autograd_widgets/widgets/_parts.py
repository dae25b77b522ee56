"""What composite widgets share: closing every widget they are made of, and sliders that never clip.

ipywidgets keeps every open widget in a registry (`ipywidgets.widgets.widget._instances`) until
its `close()`; a layout or a style is a widget too. A composite that closed only itself would
leave its sliders, buttons, layouts and graph views there for the life of the kernel.
"""
import math

import ipywidgets as W
import traitlets


def parts(root: W.Widget) -> list:
    """Every widget `root` is made of (children, layouts, styles, and theirs), without `root`. Widgets
    marked `_shared` (the kernel's one GraphView runtime) belong to no composite and are left out."""
    found, stack = {id(root): root}, [root]
    while stack:
        w = stack.pop()
        for name in w.keys:  # the synced traits: children, layout, style, ...
            value = getattr(w, name, None)
            for v in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(v, W.Widget) and id(v) not in found and not getattr(v, "_shared", False):
                    found[id(v)] = v
                    stack.append(v)
    del found[id(root)]
    return list(found.values())


def close_with_parts(widget: W.Widget):
    """Close `widget` and every widget it is made of (a plain ipywidget's close() leaves its layout open)."""
    for w in parts(widget):
        w.close()
    widget.close()


class ClosesParts:
    """Mixin for a composite widget: `close()` closes every widget it is made of, then itself."""

    def close(self):
        for w in parts(self):
            w.close()
        super().close()


class Slider(W.FloatSlider):
    """A FloatSlider whose range grows to take a value set from Python, instead of clipping it
    (ipywidgets' FloatSlider silently clamps to [min, max]); a value it cannot show is refused."""

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        value = proposal["value"]
        if not math.isfinite(value):
            raise traitlets.TraitError(
                f"{self.description or 'a slider'} holds a finite number, not {value}: a gradient weight of "
                f"{value} cannot be dragged. Call backward() with that gradient yourself to see what it gives.")
        if value > self.max:
            self.max = value
        elif value < self.min:
            self.min = value
        return value
