"""How much memory making and closing a widget leaves behind, for the close() tests."""
import gc
import tracemalloc


def bytes_left_after_closing(make, times=100, warm_up=20):
    """Bytes still traced after `times` rounds of make().close(), once ipywidgets' and traitlets' caches
    have filled (`warm_up` rounds first)."""
    for _ in range(warm_up):
        make().close()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(times):
            make().close()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
