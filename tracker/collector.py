"""Python's cyclic garbage collector, paused (or its full passes) while one long piece of work
makes its objects."""

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


# A count of younger collections no work reaches: the oldest generation is never collected.
_NEVER = 2**31 - 1


@contextmanager
def young_only() -> Iterator[None]:
    """Pause the collector's full passes while an import runs, collecting its young
    generations still. An import makes hundreds of thousands of small objects, and a full
    pass, triggered by the count of allocations alone, walks every live object of the app:
    a sixth of an import's CPU (cProfile, `gc.callbacks`). But each of its rows makes a form
    or two, and a form is a reference cycle: with the whole collector `paused`, a 10,000-
    project import kept every row's forms until its end (30 MB of bench/import.py's maximum
    RSS at 3,000 projects, README). The young generations hold only what was made since they
    were last collected, so collecting them walks no more than the row's own objects. The
    thresholds are as they were when the import ends."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], _NEVER)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
