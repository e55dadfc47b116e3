"""A time scale: virtual time running faster (or slower) than the wall clock."""

from __future__ import annotations

import datetime as _dt
import time
import types
from typing import Any

import pytest
from freezegun import freeze_time

from omics_mock import mock_omics
from omics_mock.service.kernel import clock as clock_module
from omics_mock.service.kernel.clock import HORIZON, MAX_SCALE, VirtualClock


class FakeMonotonic:
    """A ``time.monotonic`` that moves only when told."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def monotonic(monkeypatch: pytest.MonkeyPatch) -> FakeMonotonic:
    fake = FakeMonotonic()
    monkeypatch.setattr(clock_module, "_time", types.SimpleNamespace(monotonic=fake))
    return fake


def test_the_default_scale_is_the_wall_clock() -> None:
    clock = VirtualClock()
    assert clock.scale == 1
    before = _dt.datetime.now(_dt.timezone.utc)
    assert before <= clock.now() <= _dt.datetime.now(_dt.timezone.utc)


@freeze_time("2026-01-01")
def test_scaled_time_runs_scale_times_as_fast(monotonic: FakeMonotonic) -> None:
    clock = VirtualClock()
    clock.scale = 600
    monotonic.value += 2
    assert clock.offset == _dt.timedelta(seconds=1200)
    assert clock.now() == _dt.datetime(2026, 1, 1, 0, 20, tzinfo=_dt.timezone.utc)


@freeze_time("2026-01-01")
def test_changing_the_scale_keeps_the_lead_reached(monotonic: FakeMonotonic) -> None:
    clock = VirtualClock()
    clock.scale = 11
    monotonic.value += 1
    clock.scale = 1
    monotonic.value += 100
    assert clock.offset == _dt.timedelta(seconds=11)
    clock.scale = 0
    monotonic.value += 4
    assert clock.offset == _dt.timedelta(seconds=11)
    clock.scale = 2
    monotonic.value += 4
    assert clock.offset == _dt.timedelta(seconds=19)


@freeze_time("2026-01-01")
def test_advance_adds_to_scaled_time(monotonic: FakeMonotonic) -> None:
    clock = VirtualClock()
    clock.scale = 3
    clock.advance(minutes=1)
    monotonic.value += 10
    assert clock.offset == _dt.timedelta(seconds=90)


@freeze_time("2026-01-01")
def test_scaled_time_stops_at_the_horizon(monotonic: FakeMonotonic) -> None:
    clock = VirtualClock()
    clock.scale = MAX_SCALE
    monotonic.value += 10**9
    assert clock.offset == HORIZON
    assert clock.now() == _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc) + HORIZON


def test_scaled_time_never_goes_back() -> None:
    clock = VirtualClock()
    clock.scale = 0.5
    readings = [clock.now() for _ in range(2000)]
    assert readings == sorted(readings)
    clock.scale = 0
    assert len({clock.now() for _ in range(100)}) == 1


def test_frozen_time_does_not_move_at_any_scale() -> None:
    with freeze_time("2026-01-01"):
        clock = VirtualClock()
        clock.scale = 1000
        first = clock.now()
        time.sleep(0.01)
        assert clock.now() == first


@pytest.mark.parametrize("scale", [-1, MAX_SCALE * 2, float("inf"), float("nan"), True, "600"])
def test_scale_must_be_a_number_in_range(scale: Any) -> None:
    clock = VirtualClock()
    with pytest.raises(ValueError, match="time scale"):
        clock.scale = scale
    assert clock.scale == 1


def test_a_run_completes_in_real_time_under_a_time_scale() -> None:
    from .helpers import OUT, ROLE, wdl_zip

    with mock_omics() as m:
        from omics_mock.pytest_plugin import omics_client_for

        omics = omics_client_for()
        workflow = omics.create_workflow(name="wgs", definitionZip=wdl_zip())["id"]
        run = omics.start_run(
            workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "x"}
        )["id"]
        m.clock.scale = 100_000  # the default run takes 510 virtual seconds: 5 ms
        deadline = time.monotonic() + 10
        while omics.get_run(id=run)["status"] != "COMPLETED":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert omics.list_run_tasks(id=run)["items"]
