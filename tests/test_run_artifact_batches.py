"""The sink that groups a run's items for moto (``run_artifacts.batches.Batches``): which
items of a window it takes, and what it notes for the next write."""

from __future__ import annotations

import datetime as _dt

from omics_mock.service.run_artifacts.batches import Batches
from omics_mock.service.run_artifacts.items import BusEvent, LogEvent, S3Object
from omics_mock.service.runs.model import LOG_GROUP

T0 = _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc)


def at(seconds: int) -> _dt.datetime:
    return T0 + _dt.timedelta(seconds=seconds)


def test_a_window_takes_what_is_due_after_its_start_and_by_its_end() -> None:
    due = Batches(at(10), ("written",), at(20))
    due.log(at(9), 0, "before", "s", "too early")
    due.log(at(10), 0, "written", "s", "moto has it")
    due.log(at(10), 0, "new", "s", "at the start, not written yet")
    due.lines(at(15), 1, "s", [("a", "inside 1"), ("b", "inside 2")])
    due.log(at(20), 2, "end", "s", "at the end")
    due.lines(at(25), 0, "s", [("c", "later")])
    due.add(at(30), 0, "obj", S3Object("b", "k", b"x"))
    due.add(at(20), 2, "ev", BusEvent("Run Status Change", "arn", {}))
    assert [entry[3] for entry in due.streams["s"]] == [
        "at the start, not written yet",
        "inside 1",
        "inside 2",
        "at the end",
    ]
    assert due.later == at(25)
    assert due.frontier == ["end", "ev"]
    assert not due.objects and [entry[3] for entry in due.events] == ["ev"]


def test_a_window_of_one_moment_takes_only_what_was_not_written_at_it() -> None:
    due = Batches(at(10), ("written",), at(10))
    due.log(at(10), 0, "written", "s", "moto has it")
    due.add(at(10), 0, "new", LogEvent(LOG_GROUP, "s", "new at the moment"))
    assert [entry[3] for entry in due.streams["s"]] == ["new at the moment"]
    assert due.frontier == ["written", "new"]
