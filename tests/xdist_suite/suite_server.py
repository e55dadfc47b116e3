"""Half of a 300-test suite run with ``-n auto`` (``tests/test_xdist_suite.py``):
the ``omics_server`` fixture, one server per worker process, reset before each
test. Each test checks that it starts from nothing and leaves state behind. The
worker and port of each test go to ``$OMICS_MOCK_SUITE_LOG``.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import pytest

from tests.helpers import OUT, ROLE, wdl_zip


def control(server: Any, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{server.url}/_omics_mock{path}", data, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def log_worker(server: Any) -> None:
    path = os.environ.get("OMICS_MOCK_SUITE_LOG")
    if path:
        with open(path, "a") as log:
            log.write(f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')} {server.port}\n")


@pytest.mark.parametrize("n", range(100))
def test_server_starts_from_nothing(omics_server: Any, omics_server_client: Any, n: int) -> None:
    log_worker(omics_server)
    client = omics_server_client
    assert client.list_workflows()["items"] == []
    assert control(omics_server, "GET", "/clock")["offset_seconds"] == 0
    assert control(omics_server, "GET", "/faults") == {"faults": []}
    workflow = client.create_workflow(name=f"wf-{n}", definitionZip=wdl_zip())["id"]
    run = client.start_run(
        workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "x"}
    )["id"]
    control(omics_server, "POST", "/clock/advance", {"minutes": 10 + n})
    assert client.get_run(id=run)["status"] == "COMPLETED"
    control(omics_server, "POST", "/faults", {"operation": "ListRunGroups", "times": 3})


@pytest.mark.parametrize("n", range(50))
def test_server_options_do_not_leak(omics_server: Any, omics_server_client: Any, n: int) -> None:
    log_worker(omics_server)
    assert omics_server.control.clock.scale == 1
    assert omics_server.control.runs.progress == "time"
    assert omics_server_client.list_run_groups()["items"] == []
    control(omics_server, "POST", "/clock/scale", {"scale": 600})
    control(omics_server, "POST", "/progress", {"mode": "per_poll"})
    omics_server_client.create_run_group(name=f"g{n}")
