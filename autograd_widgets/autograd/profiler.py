"""torch.autograd.profiler (and torch.profiler): which ops ran inside a `with profile() as prof:` block, how
often and for how long, printed by `prof.key_averages().table(sort_by=...)` in PyTorch's layout.

Events are taken with `sys.setprofile` while the block runs, so the op path itself carries no profiling
code: every op's recorder (`aten::<name>`, named after its node: MulBackward0 -> aten::mul), every backward
function the engine evaluates (`MulBackward0`), each gradient accumulation
(`torch::autograd::AccumulateGrad`) and each `record_function` label. Times include the profiler's own
overhead, as PyTorch's do (larger here: Python sees every call).
"""
import enum
import re
import sys
import time

from ..node import Node, Op, _recorder

_RECORDER_CODE = _recorder(Op).__code__  # every op class records through a closure of this one function


def _aten_name(cls) -> str:
    """aten::<op> for a node class: its name without BackwardN, in snake case (MseLossBackward0 -> mse_loss)."""
    base = re.sub(r"Backward\d*$", "", cls.__name__) or cls.__name__
    return "aten::" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()


class FunctionEventAvg:
    """One row of key_averages(): all events of one name, times in microseconds."""

    def __init__(self, key: str):
        self.key, self.count, self.cpu_time_total, self.self_cpu_time_total = key, 0, 0.0, 0.0

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / self.count if self.count else 0.0

    @property
    def self_cpu_time(self) -> float:
        return self.self_cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_time(self.self_cpu_time_total)} "
                f"cpu_time={_time(self.cpu_time_total)} count={self.count}>")


def _time(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


class EventList(list):
    """The averaged events; `table()` prints them as PyTorch does."""

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55, header=None,
              top_level_events_only=False, **ignored):
        rows = list(self)
        if sort_by is not None:
            rows.sort(key=lambda e: getattr(e, sort_by, 0), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        width = min(max([len(e.key) for e in self] + [4]), max_name_column_width)
        line = "-" * width + "  " + "------------  " * 6
        out = [line] if header is None else [header, line]
        out.append(f"{'Name':>{width}}  " + "".join(f"{h:>12}  " for h in (
            "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls")))
        out.append(line)
        total = sum(e.self_cpu_time_total for e in self) or 1.0
        for e in rows:
            name = e.key if len(e.key) <= width else e.key[:width - 3] + "..."
            cells = (f"{100 * e.self_cpu_time_total / total:.2f}%", _time(e.self_cpu_time_total),
                     f"{100 * e.cpu_time_total / total:.2f}%", _time(e.cpu_time_total), _time(e.cpu_time), str(e.count))
            out.append(f"{name:>{width}}  " + "".join(f"{c:>12}  " for c in cells))
        out.append(line)
        out.append(f"Self CPU time total: {_time(sum(e.self_cpu_time_total for e in self))}")
        return "\n".join(out) + "\n"

    def __str__(self):
        return self.table()


class profile:
    """Records the ops run inside the block (use_cuda and the other options are accepted and ignored)."""

    def __init__(self, enabled=True, **options):
        self.enabled = enabled
        self._rows: "dict[str, FunctionEventAvg]" = {}
        self._stack: list = []
        self._previous = None

    def __enter__(self):
        if self.enabled:
            self._previous = sys.getprofile()
            sys.setprofile(self._event)
        return self

    def __exit__(self, *exc):
        if self.enabled:
            sys.setprofile(self._previous)
        return False

    def _name(self, frame):
        code = frame.f_code
        if code is _RECORDER_CODE:
            cls = frame.f_locals.get("cls")
            return _aten_name(cls) if cls is not None else None
        if code.co_name in ("backward", "accumulate", "__call__"):
            first = frame.f_locals.get("ctx", frame.f_locals.get("self"))
            if isinstance(first, Node):
                name = type(first).__name__
                return "torch::autograd::AccumulateGrad" if name == "AccumulateGrad" else name
        return None

    def _event(self, frame, event, arg):
        if event == "call":
            name = self._name(frame)
            if name is not None:
                self._stack.append((frame, name, time.perf_counter(), [0.0]))
        elif event == "return" and self._stack and self._stack[-1][0] is frame:
            self.record(*self._stack.pop()[1:])

    def record(self, name: str, start: float, children: list) -> None:
        took = (time.perf_counter() - start) * 1e6
        row = self._rows.get(name)
        if row is None:
            row = self._rows[name] = FunctionEventAvg(name)
        row.count += 1
        row.cpu_time_total += took
        row.self_cpu_time_total += took - children[0]
        if self._stack:
            self._stack[-1][3][0] += took

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, **ignored) -> EventList:
        return EventList(self._rows.values())

    def table(self, *args, **kwargs) -> str:
        return self.key_averages().table(*args, **kwargs)

    def step(self):
        """torch.profiler's per-step marker: nothing to do here."""

    def __str__(self):
        return self.table()


class record_function:
    """`with record_function("label"):` times the block as one event named `label`."""

    _profiles: "list[profile]" = []

    def __init__(self, name: str, args=None):
        self.name = name

    def __enter__(self):
        self._start = time.perf_counter()
        self._owner = getattr(sys.getprofile(), "__self__", None)
        if isinstance(self._owner, profile):
            self._owner._stack.append((None, self.name, self._start, [0.0]))
        return self

    def __exit__(self, *exc):
        owner = self._owner
        if isinstance(owner, profile) and owner._stack and owner._stack[-1][1] == self.name:
            owner.record(*owner._stack.pop()[1:])
        return False


class ProfilerActivity(enum.Enum):
    """torch.profiler.ProfilerActivity: only the CPU is profiled here."""
    CPU = 0
    CUDA = 1
