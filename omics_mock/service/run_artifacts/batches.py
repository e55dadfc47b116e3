"""A run's items for moto, grouped as they are rendered: objects, each log stream's
events, bus events; only those due in the window being written.

The hand-over writes what became due after ``since`` and by ``until``: an item at
``since`` is written unless its key is among those already written at that moment,
an item after ``until`` is left for later (``later`` says when the first is due), and
the keys of the items at ``until`` are kept (``frontier``), so the next write
leaves them out. Each entry carries its rank and the order it was rendered in
(``seq``), so sorting a group gives the order ``items.order`` gives the run's items.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from .items import BusEvent, LogEvent, Payload, S3Object

LineEntry = tuple[_dt.datetime, int, int, str]
"""A log event: (at, rank, seq, message)."""
ObjectEntry = tuple[_dt.datetime, int, int, S3Object]
EventEntry = tuple[_dt.datetime, int, int, str, BusEvent]
"""A bus event: (at, rank, seq, key, event)."""


class Batches:
    """A run's items due after ``since`` and by ``until``, grouped for moto
    (``context.Sink``); log streams are those of the workflow log group."""

    def __init__(
        self, since: _dt.datetime | None, written: tuple[str, ...], until: _dt.datetime
    ) -> None:
        self.since = since
        self._written = written
        """Keys of the items at ``since`` moto already has."""
        self._until = until
        self.later: _dt.datetime | None = None
        """When the first item after ``until`` is due."""
        self.frontier: list[str] = []
        """Keys of the items at ``until``, in the order they were rendered."""
        self.streams: dict[str, list[LineEntry]] = {}
        self.objects: list[ObjectEntry] = []
        self.events: list[EventEntry] = []
        self._seq = 0

    def wants(self, at: _dt.datetime) -> bool:
        """Whether items due at ``at`` could be written (check before building them)."""
        since = self.since
        return since is None or at >= since

    def _due(self, at: _dt.datetime, key: str) -> bool:
        """Whether the item is written now (and note it if it is due later or at the
        window's end)."""
        since = self.since
        if since is not None and at <= since:
            if at < since:
                return False
            if at < self._until and key in self._written:
                return False
        if at >= self._until:
            if at > self._until:
                if self.later is None or at < self.later:
                    self.later = at
                return False
            self.frontier.append(key)
            if at == since and key in self._written:
                return False
        return True

    def add(self, at: _dt.datetime, rank: int, key: str, payload: Payload) -> None:
        if type(payload) is LogEvent:  # of the workflow log group, as every log event is
            self.log(at, rank, key, payload.stream, payload.message)
            return
        if not self._due(at, key):
            return
        self._seq += 1
        if type(payload) is S3Object:
            self.objects.append((at, rank, self._seq, payload))
        elif isinstance(payload, BusEvent):
            self.events.append((at, rank, self._seq, key, payload))

    def log(self, at: _dt.datetime, rank: int, key: str, stream: str, text: str) -> None:
        since = self.since
        if ((since is not None and at <= since) or at >= self._until) and not self._due(at, key):
            return
        self._seq += 1
        self._lines_of(stream).append((at, rank, self._seq, text))

    def lines(
        self, at: _dt.datetime, rank: int, stream: str, keyed: Iterable[tuple[str, str]]
    ) -> None:
        since, until = self.since, self._until
        if (since is not None and at <= since) or at >= until:
            for key, text in keyed:
                self.log(at, rank, key, stream, text)
            return
        found = self._lines_of(stream)
        seq = self._seq
        for _, text in keyed:
            seq += 1
            found.append((at, rank, seq, text))
        self._seq = seq

    def _lines_of(self, stream: str) -> list[LineEntry]:
        found = self.streams.get(stream)
        if found is None:
            found = self.streams[stream] = []
        return found
