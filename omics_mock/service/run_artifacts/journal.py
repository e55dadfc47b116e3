"""Events of resources other than runs (batches, workflows, run groups), as sent.

Few and small, they are kept as they happen. ``runs_before`` (how many runs the
account had started by then) places each among the runs' own events of the same
instant when the control API lists them.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .items import BusEvent


@dataclass(frozen=True, slots=True)
class JournalEntry:
    at: _dt.datetime
    runs_before: int
    event: BusEvent
    seed: str


class Journal:
    def __init__(self) -> None:
        self.entries: list[JournalEntry] = []

    def add(self, event: BusEvent, at: _dt.datetime, runs_before: int) -> JournalEntry:
        entry = JournalEntry(at, runs_before, event, f"{event.resource}/{len(self.entries)}")
        self.entries.append(entry)
        return entry
