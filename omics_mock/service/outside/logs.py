"""Log events a run writes, put into moto's CloudWatch Logs.

Events are appended through moto's stream objects rather than its
``put_log_events``, which drops events more than 14 days before or 2 hours after
the real clock (virtual time is often further). A stream is created with its
first events and dated at the first event's time, so no stream is ever empty.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import Any

from . import moto_backends

LogWrite = tuple[str, str, int, str]
"""(group, stream, epoch milliseconds, message)."""


def put(account: str, region: str, events: Iterable[LogWrite]) -> None:
    """Append events, in the order given, creating groups and streams as needed."""
    by_stream: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for group, stream, timestamp, message in events:
        by_stream.setdefault((group, stream), []).append(
            {"timestamp": timestamp, "message": message}
        )
    put_streams(account, region, by_stream)


def put_streams(
    account: str, region: str, by_stream: Mapping[tuple[str, str], list[dict[str, Any]]]
) -> None:
    """Append each stream's events (``{"timestamp": ms, "message": text}``, in order), stream
    after stream, creating groups and streams as needed."""
    if not by_stream:
        return
    backend = moto_backends.logs(account, region)
    if backend is None:
        return
    groups = backend.groups
    for (group, stream), batch in by_stream.items():
        log_group = groups.get(group)
        if log_group is None:
            backend.create_log_group(group, {})
            log_group = groups[group]
            log_group.creation_time = _naive(batch[0]["timestamp"])
        streams = log_group.streams
        log_stream = streams.get(stream)
        if log_stream is None:
            log_group.create_log_stream(stream)
            log_stream = streams[stream]
            log_stream.creation_time = _naive(batch[0]["timestamp"])
        log_stream.put_log_events(batch)


def _naive(milliseconds: object) -> _dt.datetime:
    """moto keeps naive UTC datetimes."""
    assert isinstance(milliseconds, int)
    moment = _dt.datetime.fromtimestamp(milliseconds / 1000, _dt.timezone.utc)
    return moment.replace(tzinfo=None)
