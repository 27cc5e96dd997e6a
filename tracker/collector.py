"""Python's cyclic garbage collector, paused while one long piece of work makes its objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic collector while a reminder scan or an import runs. Each makes hundreds
    of thousands of small objects (rows, forms' values, audit records) and few reference
    cycles; the collector, triggered by the count of allocations alone, would walk every live
    object of the app each time: a third of a 60,000-row scan's CPU, a sixth of an import's
    (cProfile, `gc.callbacks`). Reference counting still frees everything else; the collector
    resumes, as it was, when the work ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
