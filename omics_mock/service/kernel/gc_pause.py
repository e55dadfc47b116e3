"""Pausing the cyclic garbage collector while many long-lived objects are made."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused(pause: bool = True, *, kept: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside (when ``pause``): while many objects are made
    that all stay, it would walk them all, again and again, for nothing. The collector is
    left as it was found (a process that turned it off keeps it off).

    ``kept``: what was made inside stays for good (what moto is handed). On the way out
    it moves straight to the oldest generation (``gc.freeze`` then ``gc.unfreeze``), so
    the next young collections do not walk it all again; objects other code made in the
    meantime move with it and are examined by the next full collection. Skipped when
    anything is frozen already (``gc.unfreeze`` would release it too).
    """
    was_enabled = pause and gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if pause and kept and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
