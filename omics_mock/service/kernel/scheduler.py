"""Due events in virtual time, processed in order before each request.

An event is a callback with the virtual time it is due at. ``run_due`` calls
every event whose time has come, oldest first, passing its due time, so state
changes carry exact timestamps however late the next request arrives. Events
may schedule further events; those run in the same pass if already due.

An action is a bound method, or a ``functools.partial`` of one, of an object of
the state (a family, a resource), with arguments that are data or objects of
the state: never a closure, so that a snapshot can name it (``service.snapshot``).
"""

from __future__ import annotations

import datetime as _dt
import heapq
import logging
from collections.abc import Callable, Iterable

EventAction = Callable[[_dt.datetime], None]

logger = logging.getLogger("omics_mock")


class Event:
    """A scheduled callback; ``cancel()`` stops it from running."""

    __slots__ = ("due", "action", "cancelled")

    def __init__(self, due: _dt.datetime, action: EventAction) -> None:
        self.due = due
        self.action = action
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    """A heap of events keyed by due time, ties in scheduling order."""

    def __init__(self) -> None:
        # Entries are (due, sequence, event): tuples compare in C, ties in scheduling order.
        self._heap: list[tuple[_dt.datetime, int, Event]] = []
        self._sequence = 0
        """The next event's sequence number (ties at one instant run in scheduling order)."""
        self.failures: list[tuple[_dt.datetime, Exception]] = []
        """Events whose action raised: a bug in the mock, logged and kept here so that
        one bad event cannot turn an unrelated later request into a 500."""

    def schedule(self, due: _dt.datetime, action: EventAction) -> Event:
        event = Event(due, action)
        sequence = self._sequence
        self._sequence = sequence + 1
        heapq.heappush(self._heap, (due, sequence, event))
        return event

    # -- snapshots -------------------------------------------------------------------------

    @property
    def next_sequence(self) -> int:
        return self._sequence

    def entries(self) -> list[tuple[_dt.datetime, int, Event]]:
        """(due, sequence, event) of every live event, in the order they will run."""
        return sorted(entry for entry in self._heap if not entry[2].cancelled)

    def load(self, entries: Iterable[tuple[_dt.datetime, int, Event]], next_sequence: int) -> None:
        """Hold exactly these events (a restored snapshot); ``ValueError`` if they cannot be:
        a sequence number used twice, or not below ``next_sequence``."""
        heap = sorted(entries, key=lambda entry: (entry[0], entry[1]))
        sequences = {sequence for _, sequence, _ in heap}
        if len(sequences) != len(heap):
            raise ValueError("two events have the same sequence number")
        if heap and max(sequences) >= next_sequence:
            raise ValueError(f"an event's sequence number is not below next ({next_sequence})")
        self._heap = heap  # a sorted list is a heap
        self._sequence = next_sequence

    def next_due(self) -> _dt.datetime | None:
        """When the next live event is due, if any."""
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def run_due(self, now: _dt.datetime) -> int:
        """Run every event due at or before ``now``; returns how many ran."""
        heap = self._heap
        if not heap or heap[0][0] > now:  # most requests: nothing is due
            return 0
        return self._run(heap, now)

    def _run(self, heap: list[tuple[_dt.datetime, int, Event]], now: _dt.datetime) -> int:
        ran = 0
        while heap and heap[0][0] <= now:
            due, _, event = heapq.heappop(heap)
            if not event.cancelled:
                try:
                    event.action(due)
                except Exception as exc:
                    logger.exception("omics-mock: a simulated event due at %s failed", due)
                    self.failures.append((due, exc))
                ran += 1
        return ran

    def __len__(self) -> int:
        return sum(1 for _, _, event in self._heap if not event.cancelled)
