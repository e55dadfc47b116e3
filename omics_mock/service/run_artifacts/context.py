"""What rendering one run's artefacts needs, and the collector of its items."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass

from ..kernel.ids import IdAllocator
from ..kernel.settings import Artifacts
from ..runs.model import Run
from .declared import Declared
from .items import Item, Payload
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

    @property
    def logs(self) -> bool:
        return self.settings.logs and self.run.log_level != "OFF"


class Collector:
    """Items due at or after ``since`` (every item when ``since`` is ``None``)."""

    def __init__(self, since: _dt.datetime | None) -> None:
        self.since = since
        self.items: list[Item] = []

    def wants(self, at: _dt.datetime) -> bool:
        """Whether items due at ``at`` are collected (check before building them)."""
        return self.since is None or at >= self.since

    def add(self, at: _dt.datetime, rank: int, key: str, payload: Payload) -> None:
        if self.since is None or at >= self.since:
            self.items.append(Item(at, rank, key, payload))


RunLog = Callable[[_dt.datetime, int, str, str], None]
"""Adds a run-log line: (at, rank, key, JSON text)."""
