"""What rendering one run's artefacts needs, and the collector of its items."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..kernel.ids import IdAllocator
from ..kernel.settings import Artifacts
from ..runs.model import LOG_GROUP, Run
from .declared import Declared
from .items import Item, LogEvent, Payload
from .script import Script


@dataclass
class RunContext:
    """A run and what its artefacts depend on besides the run itself."""

    run: Run
    settings: Artifacts
    declared: Declared
    script: Script
    cache_stream: str | None
    """``runCache/<cacheId>/<cacheUuid>`` when the run uses a run cache."""
    removed_at: _dt.datetime | None
    arn: Callable[[str], str]
    """``arn:aws:omics:<region>:<account>:<resource>``."""
    ids: IdAllocator
    """The backend's ID sequence (task IDs and uuids as tasks appear)."""
    events: bool = True
    """Whether bus events are rendered (``settings.events``, and someone to deliver to)."""
    logs: bool = field(init=False)
    """Whether log streams are written (``settings.logs``, and the run's level is not OFF)."""

    def __post_init__(self) -> None:
        self.logs = self.settings.logs and self.run.log_level != "OFF"


class Sink(Protocol):
    """Where rendering puts a run's items: ``Collector`` keeps them as items (the control
    API's views), ``batches.Batches`` groups them for moto as they come."""

    since: _dt.datetime | None

    def wants(self, at: _dt.datetime) -> bool: ...

    def add(self, at: _dt.datetime, rank: int, key: str, payload: Payload) -> None: ...

    def log(self, at: _dt.datetime, rank: int, key: str, stream: str, text: str) -> None: ...

    def lines(
        self, at: _dt.datetime, rank: int, stream: str, keyed: Iterable[tuple[str, str]]
    ) -> None: ...


class Collector:
    """Items due at or after ``since`` (every item when ``since`` is ``None``)."""

    def __init__(self, since: _dt.datetime | None) -> None:
        self.since = since
        self.items: list[Item] = []

    def wants(self, at: _dt.datetime) -> bool:
        """Whether items due at ``at`` are collected (check before building them)."""
        return self.since is None or at >= self.since

    def add(self, at: _dt.datetime, rank: int, key: str, payload: Payload) -> None:
        since = self.since
        if since is None or at >= since:
            self.items.append(_new(Item, (at, rank, key, payload)))

    def log(self, at: _dt.datetime, rank: int, key: str, stream: str, text: str) -> None:
        """A log event of ``stream`` in the workflow log group (``add`` of a ``LogEvent``)."""
        since = self.since
        if since is None or at >= since:
            event = _new(LogEvent, (LOG_GROUP, stream, text))
            self.items.append(_new(Item, (at, rank, key, event)))

    def lines(
        self, at: _dt.datetime, rank: int, stream: str, keyed: Iterable[tuple[str, str]]
    ) -> None:
        """Log events of ``stream`` due at ``at``: (key, text) each."""
        since = self.since
        if since is None or at >= since:
            append = self.items.append
            for key, text in keyed:
                append(_new(Item, (at, rank, key, _new(LogEvent, (LOG_GROUP, stream, text)))))


new_tuple: Any = tuple.__new__
_new = new_tuple
"""Makes a named tuple from a plain one without the Python-level ``__new__`` its class
has (items are made by the hundred thousand in a large simulation)."""


RunLog = Callable[[_dt.datetime, int, str, str], None]
"""Adds a run-log line: (at, rank, key, JSON text)."""
