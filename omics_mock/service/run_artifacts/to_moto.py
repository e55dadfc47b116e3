"""A run's due items put into moto: objects and log events at once, bus events kept for
the caller, who delivers every run's events together, in time order."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..outside import logs, s3_writes
from ..runs.model import Run
from . import bus
from .items import BusEvent, Item, LogEvent, S3Object

TimedEnvelope = tuple[_dt.datetime, float, int, dict[str, Any]]
"""(at, run sequence, position, envelope): sorted, what EventBridge delivers in order
(the control API's ``events`` view sorts its events the same way)."""


def put_items(
    account: str, region: str, run: Run, items: list[Item], envelopes: list[TimedEnvelope] | None
) -> None:
    """Put the run's items (in order) into moto: objects, then log events (one append per
    stream, in the order the streams first appear); bus events go to ``envelopes`` (none
    when ``None``: no rule could take them)."""
    objects: list[S3Object] = []
    streams: dict[tuple[str, str], logs.Batch] = {}
    last_at, last_ms = None, 0
    last_group, last_stream, batch = None, None, []
    sequence = run.sequence
    for position, item in enumerate(items):
        payload = item[3]
        if type(payload) is LogEvent:
            at = item[0]
            if at != last_at:  # equal moments have equal epoch milliseconds (``epoch_ms``)
                last_at, last_ms = at, int(at.timestamp() * 1000)
            group, stream, message = payload
            if stream is not last_stream or group is not last_group:
                key = (group, stream)
                found = streams.get(key)
                if found is None:
                    found = streams[key] = []
                batch, last_group, last_stream = found, group, stream
            batch.append((last_ms, message))
        elif type(payload) is S3Object:
            objects.append(payload)
        elif envelopes is not None and isinstance(payload, BusEvent):
            seed = f"{run.uuid}/{item[2]}"
            envelope = bus.envelope(payload, item[0], account, region, seed)
            envelopes.append((item[0], sequence, position, envelope))
    if objects:
        s3_writes.put(account, region, objects)
    if streams:
        logs.put_streams(account, region, streams)
