"""Runs' due items put into moto: objects and log events at once, bus events kept for
the caller, who delivers every run's events together, in time order."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..outside import logs, s3_writes
from ..runs.model import LOG_GROUP, Run
from . import bus
from .batches import Batches, LineEntry
from .items import S3Object, epoch_ms

TimedEnvelope = tuple[_dt.datetime, float, int, dict[str, Any]]
"""(at, run sequence, position, envelope): sorted, what EventBridge delivers in order
(the control API's ``events`` view sorts its events the same way). A run's events at one
moment are in the order of their rank, then of their rendering (``rank * _RANKED + seq``)."""

_MOMENTS_KEPT = 1 << 16
"""At most this many moments' epoch milliseconds are kept at once."""

_RANKED = 1 << 32
"""More than the items a run renders: a rank's positions come after the rank before's."""


class MotoWriter:
    """Puts runs' items into moto's S3 and CloudWatch Logs of one account and Region
    during one hand-over (moto's backends found once); ``close`` when done."""

    def __init__(self, account: str, region: str) -> None:
        self.account, self.region = account, region
        self._objects = s3_writes.Objects(account, region)
        self._streams = logs.Streams(account, region)
        self._epoch_ms: dict[_dt.datetime, int] = {}
        """Epoch milliseconds of the moments written so far (a run's streams share many)."""

    def put(self, run: Run, due: Batches, envelopes: list[TimedEnvelope] | None) -> None:
        """Put the run's due items into moto: objects, then log events (one append per
        stream, streams in the order of their first event); bus events go to
        ``envelopes`` (none when ``None``: no rule could take them)."""
        self.put_ready(ready(due, self._epoch_ms))
        if envelopes is not None and due.events:
            sequence, seed = run.sequence, run.uuid + "/"
            account, region = self.account, self.region
            for at, rank, seq, key, event in due.events:
                envelope = bus.envelope(event, at, account, region, seed + key)
                envelopes.append((at, sequence, rank * _RANKED + seq, envelope))

    def put_ready(self, items: Ready) -> None:
        """Put a run's objects and log events, in the order moto gets them (``ready``)."""
        objects, streams = items
        if objects:
            self._objects.put(objects)
        if streams:
            self._streams.put(streams)

    def close(self) -> None:
        self._objects.close()
        self._epoch_ms.clear()


Ready = tuple[list[S3Object], dict[tuple[str, str], logs.Batch]]
"""A run's objects, and its log events by stream, in the order moto gets them."""


def ready(due: Batches, known: dict[_dt.datetime, int]) -> Ready:
    """The run's due objects and log events in the order they are put into moto: objects
    by time, rank and rendering; streams by their first event; each stream's events by
    time, rank and rendering, in epoch milliseconds (``known``: those of moments seen)."""
    objects = [entry[3] for entry in sorted(due.objects)] if due.objects else []
    if not due.streams:
        return objects, {}
    if len(known) > _MOMENTS_KEPT:
        known.clear()
    streams = [(sorted(lines), name) for name, lines in due.streams.items()]
    streams.sort(key=_first_line)
    by_stream: dict[tuple[str, str], logs.Batch] = {}
    for lines, name in streams:
        batch: logs.Batch = []
        for at, _, _, message in lines:
            ms = known.get(at)
            if ms is None:
                ms = known[at] = epoch_ms(at)
            batch.append((ms, message))
        by_stream[LOG_GROUP, name] = batch
    return objects, by_stream


def _first_line(stream: tuple[list[LineEntry], str]) -> LineEntry:
    """A sorted stream's first event (when, rank and order), which orders the streams."""
    return stream[0][0]
