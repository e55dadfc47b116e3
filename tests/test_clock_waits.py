"""``m.clock.advance_until``: wait for any condition in virtual time (batches have no waiter)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .helpers import OUT, ROLE


def test_a_batch_is_waited_for_in_one_line(omics: Any, omics_mock: Any, workflow: str) -> None:
    batch = omics.start_run_batch(
        defaultRunSetting={"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT},
        batchRunSettings={
            "inlineSettings": [
                {"runSettingId": f"s{i}", "parameters": {"sample": f"S{i}"}} for i in range(3)
            ]
        },
    )["id"]
    waited = omics_mock.clock.advance_until(
        lambda: omics.get_batch(batchId=batch)["status"] == "PROCESSED"
    )
    assert omics.get_batch(batchId=batch)["runSummary"]["completedRunCount"] == 3
    assert waited.total_seconds() % 30 == 0 and waited > timedelta(minutes=8)


def test_a_condition_already_true_costs_no_time(omics_mock: Any) -> None:
    assert omics_mock.clock.advance_until(lambda: True) == timedelta(0)
    assert omics_mock.clock.offset == timedelta(0)


def test_the_step_is_seconds_or_a_timedelta(omics_mock: Any) -> None:
    clock = omics_mock.clock
    start = clock.now()
    clock.advance_until(lambda: clock.now() - start >= timedelta(seconds=5), step=1)
    assert clock.offset == timedelta(seconds=5)
    clock.advance_until(lambda: clock.offset >= timedelta(minutes=1), step=timedelta(minutes=1))
    assert clock.offset == timedelta(minutes=1, seconds=5)


def test_a_condition_never_true_times_out(omics_mock: Any) -> None:
    with pytest.raises(TimeoutError, match="still false after 1:00:00"):
        omics_mock.clock.advance_until(lambda: False, step=60, limit=3600)
    assert omics_mock.clock.offset == timedelta(hours=1)


def test_a_step_that_is_not_positive_is_refused(omics_mock: Any) -> None:
    with pytest.raises(ValueError, match="positive"):
        omics_mock.clock.advance_until(lambda: False, step=0)
