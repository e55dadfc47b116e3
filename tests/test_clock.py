"""Virtual time: what ``m.clock.advance`` accepts, and what a refused advance leaves."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest

from omics_mock.pytest_plugin import omics_client_for

from .helpers import OUT, ROLE

TOO_FAR = [
    {"days": 3_000_000},
    {"days": 1e12},
    {"seconds": 1e308},
    {"delta": 1e308},
    {"delta": _dt.timedelta.max},
    {"hours": 10**400},
]
NOT_FINITE = [
    {"seconds": float("inf")},
    {"minutes": float("-inf")},
    {"days": float("nan")},
    {"delta": float("nan")},
]
NOT_NUMBERS = [{"delta": "60"}, {"days": "1"}, {"hours": None}, {"seconds": True}, {"delta": [1]}]


def advance(mock: Any, arguments: dict[str, Any]) -> Any:
    arguments = dict(arguments)
    if "delta" in arguments:
        return mock.clock.advance(arguments.pop("delta"), **arguments)
    return mock.clock.advance(**arguments)


def assert_requests_still_answered(omics: Any, workflow: str, mock: Any) -> None:
    run = omics.start_run(
        workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "x"}
    )
    mock.clock.advance(hours=1)
    assert omics.get_run(id=run["id"])["status"] == "COMPLETED"
    assert [r["id"] for r in omics.list_runs()["items"]] == [run["id"]]


@pytest.mark.parametrize("arguments", TOO_FAR + NOT_FINITE, ids=repr)
def test_refused_advance_is_a_value_error_and_changes_nothing(
    omics: Any, omics_mock: Any, workflow: str, arguments: dict[str, Any]
) -> None:
    omics_mock.clock.advance(minutes=5)
    before = omics_mock.clock.offset
    with pytest.raises(ValueError, match="virtual time|finite") as refused:
        advance(omics_mock, arguments)
    assert str(refused.value)
    assert omics_mock.clock.offset == before
    assert_requests_still_answered(omics, workflow, omics_mock)


@pytest.mark.parametrize("arguments", NOT_NUMBERS, ids=repr)
def test_advance_by_something_not_a_number_is_a_type_error(
    omics_mock: Any, arguments: dict[str, Any]
) -> None:
    with pytest.raises(TypeError, match="must be a number"):
        advance(omics_mock, arguments)
    assert omics_mock.clock.offset == _dt.timedelta(0)


def test_backward_advance_is_refused(omics_mock: Any) -> None:
    with pytest.raises(ValueError, match="only moves forward"):
        omics_mock.clock.advance(hours=1, days=-1)
    assert omics_mock.clock.offset == _dt.timedelta(0)


def test_virtual_time_can_go_thousands_of_years_ahead(omics_mock: Any, workflow: str) -> None:
    now = omics_mock.clock.advance(days=365 * 2000)
    assert now.year >= 4000
    omics = omics_client_for("us-east-1")
    assert_requests_still_answered(omics, workflow, omics_mock)


def test_the_last_reachable_moment_is_refused_just_past_it(omics_mock: Any) -> None:
    from omics_mock.service.kernel.clock import LATEST

    omics_mock.clock.advance(LATEST - omics_mock.clock.now() - _dt.timedelta(hours=1))
    with pytest.raises(ValueError, match="past 5000-01-01"):
        omics_mock.clock.advance(hours=2)
    assert omics_mock.clock.now() < LATEST
    assert omics_client_for("us-east-1").list_runs()["items"] == []
