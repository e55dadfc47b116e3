"""Filtered ListRuns pages agree with filtering every run by hand, as statuses change."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import OUT, ROLE


def every_page(omics: Any, **filters: Any) -> list[str]:
    pages = omics.get_paginator("list_runs").paginate(**filters, PaginationConfig={"PageSize": 7})
    return [run["id"] for page in pages for run in page["items"]]


@pytest.fixture
def mixed_runs(omics: Any, omics_mock: Any, workflow: str) -> list[str]:
    """40 runs in two run groups, some named, started a minute apart."""
    groups = [omics.create_run_group(name=f"g{i}", maxRuns=3)["id"] for i in range(2)]
    runs = []
    for i in range(40):
        runs.append(
            omics.start_run(
                workflowId=workflow,
                roleArn=ROLE,
                outputUri=OUT,
                parameters={"sample": f"S{i}"},
                runGroupId=groups[i % 2],
                name="even" if i % 2 == 0 else f"odd{i % 3}",
            )["id"]
        )
        omics_mock.clock.advance(minutes=1)
    return runs


@pytest.mark.parametrize("minutes", [0, 3, 20, 60, 600])
def test_filtered_pages_match_a_filter_by_hand(
    omics: Any, omics_mock: Any, mixed_runs: list[str], minutes: int
) -> None:
    omics_mock.clock.advance(minutes=minutes)
    if minutes == 3:
        omics.cancel_run(id=mixed_runs[-1])
    everything = [
        run for page in omics.get_paginator("list_runs").paginate() for run in page["items"]
    ]
    assert len(everything) == 40
    for key in ("status", "name"):
        for value in {run.get(key) for run in everything} - {None}:
            expected = [run["id"] for run in everything if run.get(key) == value]
            assert every_page(omics, **{key: value}) == expected, (key, value)
    group = omics.get_run(id=mixed_runs[0])["runGroupId"]
    expected = [r["id"] for r in everything if omics.get_run(id=r["id"])["runGroupId"] == group]
    assert every_page(omics, runGroupId=group) == expected
    combined = [
        r["id"] for r in everything if r.get("name") == "even" and r["status"] == "COMPLETED"
    ]
    assert every_page(omics, name="even", status="COMPLETED") == combined


def test_deleted_runs_leave_filtered_pages(
    omics: Any, omics_mock: Any, mixed_runs: list[str]
) -> None:
    omics_mock.clock.advance(hours=10)
    for run_id in mixed_runs[::3]:
        omics.delete_run(id=run_id)
    remaining = every_page(omics, status="COMPLETED")
    assert set(remaining) == set(mixed_runs) - set(mixed_runs[::3])
