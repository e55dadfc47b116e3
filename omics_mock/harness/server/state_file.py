"""``omics-mock server --state PATH``: the server's state kept in a file between runs.

At start the file is loaded when it exists (a stray temporary file of an
interrupted save is removed); on a clean stop (SIGINT, SIGTERM) the state is
saved there, atomically: to a temporary file beside it, then renamed over it,
so a crash, even in the middle of the save, leaves the previous file whole.
A file that cannot be restored stops the start with the reason.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from ...service.snapshot import SnapshotError
from ..control import Control
from ..snapshots import leftovers


class Stopped(Exception):
    """SIGINT or SIGTERM asked the server to stop (raised in the main thread, out of its
    serving loop)."""


def load(control: Control, path: Path) -> bool:
    """Restore the state saved at ``path``, if there is one; whether there was."""
    for stray in leftovers(path):
        stray.unlink(missing_ok=True)
    if not path.exists():
        return False
    try:
        control.restore(path)
    except SnapshotError as error:
        raise RuntimeError(f"cannot start from {path}: {error}") from None
    return True


@contextlib.contextmanager
def kept_in(control: Control, path: str | None) -> Iterator[None]:
    """Serve inside this block: load ``path`` first; save it when SIGINT or SIGTERM stops
    the block (which then ends normally). Without a path, nothing changes."""
    if path is None:
        yield
        return
    target = Path(path)
    loaded = load(control, target)
    print(
        f"State {'loaded from' if loaded else 'will be saved to'} {target}",
        file=sys.stderr,
        flush=True,
    )
    previous = _stop_on_signals()
    try:
        yield
    except (KeyboardInterrupt, Stopped):
        control.save(target)
        print(f"State saved to {target}", file=sys.stderr, flush=True)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


STOPPING = (signal.SIGINT, signal.SIGTERM)


def _stop_on_signals() -> dict[int, Any]:
    """Make SIGINT and SIGTERM stop the serving loop (werkzeug's loop swallows Ctrl-C's
    ``KeyboardInterrupt``); the handlers they replaced."""

    def stop(number: int, frame: FrameType | None) -> None:
        raise Stopped()

    previous: dict[int, Any] = {}
    try:
        for number in STOPPING:
            previous[number] = signal.signal(number, stop)
    except ValueError:  # not the main thread: whoever runs the server handles signals
        pass
    return previous
