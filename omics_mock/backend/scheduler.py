"""Due events in virtual time, processed in order before each request.

An event is a callback with the virtual time it is due at. ``run_due`` calls
every event whose time has come, oldest first, passing its due time, so state
changes carry exact timestamps however late the next request arrives. Events
may schedule further events; those run in the same pass if already due.
"""

from __future__ import annotations

import datetime as _dt
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

EventAction = Callable[[_dt.datetime], None]


@dataclass(order=True)
class Event:
    """A scheduled callback; ``cancel()`` stops it from running."""

    due: _dt.datetime
    sequence: int
    action: EventAction = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    """A heap of events keyed by due time, ties in scheduling order."""

    def __init__(self) -> None:
        self._heap: list[Event] = []
        self._counter = itertools.count()

    def schedule(self, due: _dt.datetime, action: EventAction) -> Event:
        event = Event(due, next(self._counter), action)
        heapq.heappush(self._heap, event)
        return event

    def next_due(self) -> _dt.datetime | None:
        """When the next live event is due, if any."""
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def run_due(self, now: _dt.datetime) -> int:
        """Run every event due at or before ``now``; returns how many ran."""
        heap = self._heap
        ran = 0
        while heap and heap[0].due <= now:
            event = heapq.heappop(heap)
            if not event.cancelled:
                event.action(event.due)
                ran += 1
        return ran

    def __len__(self) -> int:
        return sum(1 for e in self._heap if not e.cancelled)
