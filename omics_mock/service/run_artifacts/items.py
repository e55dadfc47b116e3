"""What a run writes, as timed items: S3 objects, log events, bus events.

Items are plain data; ``outside`` writes them to moto, and the control API
reads them as they are. ``key`` tells an item apart from the others of its run
at the same instant, so writing a run's items in several goes never writes one
twice.
"""

from __future__ import annotations

import datetime as _dt
import operator
from typing import Any, NamedTuple

_UTC = _dt.timezone.utc

RANK_START = 0
"""Items of the run's first phases (PENDING, STARTING, RUNNING)."""
RANK_TASKS = 1
RANK_END = 2
"""Items of STOPPING, the end, and deletion."""


class S3Object(NamedTuple):
    bucket: str
    key: str
    body: bytes

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


class LogEvent(NamedTuple):
    group: str
    stream: str
    message: str


class BusEvent(NamedTuple):
    detail_type: str
    resource: str
    detail: dict[str, Any]


Payload = S3Object | LogEvent | BusEvent


class Item(NamedTuple):
    at: _dt.datetime
    rank: int
    key: str
    payload: Payload


def order(items: list[Item]) -> list[Item]:
    """Items by time, then rank; generation order among equals."""
    return sorted(items, key=_WHEN)


_WHEN = operator.itemgetter(0, 1)
"""An item's (at, rank)."""


def epoch_ms(at: _dt.datetime) -> int:
    """Milliseconds since the epoch, exactly (a float timestamp can be a millisecond off)."""
    return (at - _EPOCH) // _MILLISECOND


def epoch_us(at: _dt.datetime) -> int:
    """Microseconds since the epoch."""
    return (at - _EPOCH) // _MICROSECOND


def at_epoch_us(microseconds: int) -> _dt.datetime:
    """The moment ``microseconds`` after the epoch (UTC)."""
    return _EPOCH + _dt.timedelta(microseconds=microseconds)


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_UTC)
_MILLISECOND = _dt.timedelta(milliseconds=1)
_MICROSECOND = _dt.timedelta(microseconds=1)


def iso_ms(at: _dt.datetime) -> str:
    """``2024-10-20T07:02:53.000Z``: always three fractional digits (run_analyzer parses it)."""
    if at.tzinfo is not _UTC:
        at = at.astimezone(_UTC)
    if at.year < 1000:  # strftime does not pad the year
        return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
    return _ISO_MS % (
        at.year,
        at.month,
        at.day,
        at.hour,
        at.minute,
        at.second,
        at.microsecond // 1000,
    )


_ISO_MS = "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ"
"""What ``isoformat(timespec="milliseconds")`` writes for UTC, ``Z`` for the offset."""


def iso_seconds(at: _dt.datetime) -> str:
    """``2022-10-20T22:07:35Z``, the EventBridge envelope's ``time``."""
    at = at.astimezone(_UTC)
    if at.year < 1000:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return at.isoformat(timespec="seconds")[:19] + "Z"
