"""Half of a 300-test suite run with ``-n auto`` (``tests/test_xdist_suite.py``):
in-process mocks. Each test checks that it starts from nothing, then leaves
resources, virtual time, faults and settings behind for the next test to not see.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest

from tests.helpers import OUT, ROLE, wdl_zip


@pytest.mark.parametrize("n", range(100))
def test_runs_start_from_nothing(omics_client: Any, omics_clock: Any, n: int) -> None:
    assert omics_client.list_workflows()["items"] == []
    assert omics_client.list_runs()["items"] == []
    assert omics_clock.offset == _dt.timedelta(0)
    workflow = omics_client.create_workflow(name=f"wf-{n}", definitionZip=wdl_zip())["id"]
    runs = [
        omics_client.start_run(
            workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": f"S{i}"}
        )["id"]
        for i in range(n % 4 + 1)
    ]
    omics_clock.advance(minutes=10 + n)
    assert {omics_client.get_run(id=run)["status"] for run in runs} == {"COMPLETED"}


@pytest.mark.parametrize("n", range(50))
def test_faults_and_settings_do_not_leak(omics_mock: Any, omics_client: Any, n: int) -> None:
    assert omics_mock.faults.pending() == []
    assert omics_mock.settings.quotas.max_workflows == 1000
    assert omics_mock.runs.progress == "time"
    omics_mock.faults.inject("ListRunGroups", "ThrottlingException", times=5)
    omics_mock.settings.quotas.max_workflows = n
    omics_mock.runs.progress = "per_poll"
    omics_client.create_run_group(name=f"g{n}")
