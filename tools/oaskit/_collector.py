"""The cyclic garbage collector paused for work that builds millions of long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, restoring its state afterwards.

    A large spec (and its intermediate model) is millions of fresh objects that outlive every
    collection pass: each pass walks them all and frees nothing (60% of bundling GitHub's spec).
    Reference counting still frees everything as usual; cycles made meanwhile wait for the next
    pass.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
