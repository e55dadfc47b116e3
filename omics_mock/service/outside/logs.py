"""Log events a run writes, put into moto's CloudWatch Logs.

Events are appended through moto's stream objects rather than its
``put_log_events``, which drops events more than 14 days before or 2 hours after
the real clock (virtual time is often further). A stream is created with its
first events and dated at the first event's time, so no stream is ever empty.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from . import moto_backends

LogWrite = tuple[str, str, int, str]
"""(group, stream, epoch milliseconds, message)."""


def put(account: str, region: str, events: Iterable[LogWrite]) -> None:
    """Append events, in the order given, creating groups and streams as needed."""
    backend = moto_backends.logs(account, region)
    if backend is None:
        return
    by_stream: dict[tuple[str, str], list[dict[str, object]]] = {}
    for group, stream, timestamp, message in events:
        by_stream.setdefault((group, stream), []).append(
            {"timestamp": timestamp, "message": message}
        )
    for (group, stream), batch in by_stream.items():
        if group not in backend.groups:
            backend.create_log_group(group, {})
            backend.groups[group].creation_time = _naive(batch[0]["timestamp"])
        streams = backend.groups[group].streams
        if stream not in streams:
            backend.groups[group].create_log_stream(stream)
            streams[stream].creation_time = _naive(batch[0]["timestamp"])
        streams[stream].put_log_events(batch)


def _naive(milliseconds: object) -> _dt.datetime:
    """moto keeps naive UTC datetimes."""
    assert isinstance(milliseconds, int)
    moment = _dt.datetime.fromtimestamp(milliseconds / 1000, _dt.timezone.utc)
    return moment.replace(tzinfo=None)
