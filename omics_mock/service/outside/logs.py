"""Log events a run writes, put into moto's CloudWatch Logs.

Events are appended to moto's stream objects rather than through its
``put_log_events`` request, which drops events more than 14 days before or 2 hours
after the real clock (virtual time is often further). A stream is created with its
first events and dated at the first event's time, so no stream is ever empty.

Making a stream and appending to it do what moto's ``LogStream.__init__`` and
``LogStream.put_log_events`` do, in bulk: the objects are made directly (moto makes
each event through two Python calls and reads the real clock for every stream and
every append, which a large simulation's millions of events feel). That holds only
for the moto code it was written against: if the code of ``LogEvent.__init__``,
``LogStream.__init__`` or ``LogStream.put_log_events`` names anything else, or the
group has subscription filters, moto's own methods do the work.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from typing import Any

from . import moto_backends
from .fingerprint import names_match

Batch = list[tuple[int, str]]
"""A stream's events: (epoch milliseconds, message), in order."""

_EVENT_INIT_NAMES = frozenset(
    {"__class__", "_event_id", "event_id", "ingestion_time", "message", "timestamp"}
)
_STREAM_INIT_NAMES = frozenset(
    {
        "__class__",
        "_log_ids",
        "account_id",
        "arn",
        "creation_time",
        "events",
        "first_event_timestamp",
        "get_partition",
        "last_event_timestamp",
        "last_ingestion_time",
        "log_group",
        "log_stream_name",
        "name",
        "region",
        "stored_bytes",
        "upload_sequence_token",
        "utcnow",
    }
)
_PUT_NAMES = frozenset(
    {
        "LogEvent",
        "_send_log_events",
        "destination_arn",
        "events",
        "event_id",
        "int",
        "last_ingestion_time",
        "len",
        "log_group",
        "message",
        "name",
        "split",
        "stored_bytes",
        "subscription_filters",
        "sum",
        "timestamp",
        "unix_time_millis",
        "upload_sequence_token",
        "utcnow",
        "values",
    }
)


class Streams:
    """Appends log events to moto's CloudWatch Logs for one account and Region (the real
    clock, for moto's ingestion time, read once)."""

    def __init__(self, account: str, region: str) -> None:
        self._backend = moto_backends.logs(account, region)
        self._bulk = _bulk()
        self._now: tuple[_dt.datetime, int] | None = None

    def put(self, by_stream: Mapping[tuple[str, str], Batch]) -> None:
        """Append each stream's events, stream after stream, creating groups and streams
        as needed."""
        backend = self._backend
        if backend is None or not by_stream:
            return
        groups = backend.groups
        bulk = self._bulk
        for (group, stream), batch in by_stream.items():
            log_group = groups.get(group)
            if log_group is None:
                backend.create_log_group(group, {})
                log_group = groups[group]
                log_group.creation_time = _naive(batch[0][0])
            streams = log_group.streams
            log_stream = streams.get(stream)
            if bulk is None or log_group.subscription_filters:
                if log_stream is None:
                    log_group.create_log_stream(stream)
                    log_stream = streams[stream]
                    log_stream.creation_time = _naive(batch[0][0])
                events = [{"timestamp": ms, "message": text} for ms, text in batch]
                log_stream.put_log_events(events)
                continue
            now = self._now
            if now is None:
                now = self._now = bulk.now()
            if log_stream is None:
                log_stream = streams[stream] = bulk.new_stream(log_group, stream, batch[0][0])
            bulk.append(log_stream, batch, now[0], now[1])


_EPOCH = _dt.datetime(1970, 1, 1)


def _naive(milliseconds: int) -> _dt.datetime:
    """moto keeps naive UTC datetimes."""
    return _EPOCH + _dt.timedelta(milliseconds=milliseconds)


class _Bulk:
    """What moto's ``LogStream.__init__`` and ``put_log_events`` do, for many events."""

    def __init__(self, moto_logs: Any, utcnow: Any, unix_time_millis: Any, partition: Any) -> None:
        self._event, self._stream = moto_logs.LogEvent, moto_logs.LogStream
        self._utcnow, self._millis = utcnow, unix_time_millis

        @functools.lru_cache(maxsize=256)
        def group_arn(region: str, account: str, group: str) -> str:
            return f"arn:{partition(region)}:logs:{region}:{account}:log-group:{group}"

        self._group_arn = group_arn

    def now(self) -> tuple[_dt.datetime, int]:
        """moto's ingestion time: now, on the real clock, and in epoch milliseconds."""
        now = self._utcnow()
        return now, int(self._millis(now))

    def new_stream(self, log_group: Any, name: str, first: int) -> Any:
        """A stream of ``log_group``, made as moto makes one, dated at its first event."""
        cls = self._stream
        stream = object.__new__(cls)
        region = log_group.region
        stream.account_id = log_group.account_id
        stream.region = region
        stream.log_group = log_group
        group_arn = self._group_arn(region, log_group.account_id, log_group.name)
        stream.arn = f"{group_arn}:log-stream:{name}"
        stream.creation_time = _naive(first)
        stream.first_event_timestamp = None
        stream.last_event_timestamp = None
        stream.last_ingestion_time = None
        stream.log_stream_name = name
        stream.stored_bytes = 0
        stream.upload_sequence_token = 0
        stream.events = []
        cls._log_ids += 1
        _track(cls, [stream])
        return stream

    def append(self, log_stream: Any, batch: Batch, now: _dt.datetime, ingestion: int) -> None:
        """Append ``batch`` as ``put_log_events`` would at ``now``."""
        cls = self._event
        make = object.__new__
        first_id = next_id = cls._event_id
        made = []
        size = 0
        for timestamp, message in batch:
            event = make(cls)
            event.ingestion_time = ingestion
            event.timestamp = timestamp
            event.message = message
            event.event_id = next_id
            next_id += 1
            size += len(message)
            made.append(event)
        cls._event_id = first_id + len(made)
        _track(cls, made)
        log_stream.last_ingestion_time = now
        log_stream.stored_bytes += size
        log_stream.events += made
        log_stream.upload_sequence_token += 1


def _track(cls: Any, made: list[Any]) -> None:
    """Record new models as moto's ``BaseModel.__new__`` does (``instances_tracked``)."""
    tracked = getattr(cls, "instances_tracked", None)
    if tracked is not None:
        tracked.extend(made)


@functools.cache
def _bulk() -> _Bulk | None:
    """The bulk writer, or ``None`` if moto's code is not the code it does the work of."""
    try:
        from moto.core.utils import unix_time_millis, utcnow
        from moto.logs import models
        from moto.utilities.utils import get_partition
    except ImportError:  # pragma: no cover - moto is optional
        return None
    expected = {
        (models.LogEvent, "__init__"): _EVENT_INIT_NAMES,
        (models.LogStream, "__init__"): _STREAM_INIT_NAMES,
        (models.LogStream, "put_log_events"): _PUT_NAMES,
    }
    for (cls, name), names in expected.items():
        if not names_match(cls.__dict__.get(name), names):
            return None  # pragma: no cover - another moto
    for cls, counter in ((models.LogEvent, "_event_id"), (models.LogStream, "_log_ids")):
        if not isinstance(getattr(cls, counter, None), int):
            return None  # pragma: no cover - another moto
    return _Bulk(models, utcnow, unix_time_millis, get_partition)
