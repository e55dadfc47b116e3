"""boto3 from 8 threads, each with its own client, against server mode at once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer

from .clients import TOO_HIGH_PRIORITY, UNKNOWN_RUN, batch_request, scaled, statuses
from .helpers import OUT, ROLE, wdl_zip

THREADS = 8
LIFECYCLE = ("PENDING", "STARTING", "RUNNING", "STOPPING", "COMPLETED")
CONFIG = Config(inject_host_prefix=False, retries={"total_max_attempts": 1})


def poll(call: Any, until: str, seconds: float = 30) -> list[str]:
    """The distinct statuses ``call()`` answers until ``until``, polling every 20 ms."""
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while not seen or seen[-1] != until:
        assert time.monotonic() < deadline, f"still {seen} after {seconds} s"
        status = call()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        time.sleep(0.02)
    return seen


def refusal(call: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as excinfo:
        call()
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def scenario(client: Any, index: int) -> dict[str, Any]:
    """One thread's whole story; what it saw."""
    workflow = client.create_workflow(name=f"wgs-{index}", definitionZip=wdl_zip())["id"]
    client.get_waiter("workflow_active").wait(id=workflow, WaiterConfig={"Delay": 1})
    start = {"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT}
    started = client.start_run(**start, parameters={"sample": f"S{index}"}, name=f"run-{index}")
    run = started["id"]
    run_statuses = poll(lambda: client.get_run(id=run), "COMPLETED")
    listed = [r["id"] for r in client.list_runs(name=f"run-{index}")["items"]]
    tasks = [t["status"] for t in client.list_run_tasks(id=run)["items"]]
    batch = client.start_run_batch(**batch_request(workflow))["id"]
    batch_statuses = poll(lambda: client.get_batch(batchId=batch), "PROCESSED")
    return {
        "run": run,
        "started": started["status"],
        "run_statuses": run_statuses,
        "listed": listed,
        "tasks": tasks,
        "batch_statuses": batch_statuses,
        "not_found": refusal(lambda: client.get_run(id=UNKNOWN_RUN)),
        "bad_priority": refusal(lambda: client.start_run(**start, priority=TOO_HIGH_PRIORITY)),
    }


def test_eight_boto3_threads_run_workflows_end_to_end(omics_server: ThreadedServer) -> None:
    scaled(omics_server)
    url = omics_server.url
    clients = [omics_client_for(endpoint_url=url, config=CONFIG) for _ in range(THREADS)]
    results: dict[int, dict[str, Any]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(index: int) -> None:
        try:
            start.wait()
            results[index] = scenario(clients[index], index)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(results) == list(range(THREADS))
    for seen in results.values():
        assert seen["started"] == "PENDING"
        # what polling saw depends on the threads' timing; its order never does
        assert seen["run_statuses"] == [s for s in LIFECYCLE if s in seen["run_statuses"]]
        assert seen["run_statuses"][-1] == "COMPLETED"
        assert seen["listed"] == [seen["run"]]
        assert seen["tasks"] == ["COMPLETED"] * 3
        assert seen["batch_statuses"][-1] == "PROCESSED"
        assert seen["not_found"] == ("ResourceNotFoundException", 404)
        assert seen["bad_priority"] == ("ValidationException", 400)
    assert len({seen["run"] for seen in results.values()}) == THREADS
    assert statuses(omics_server, "StartRun").count(400) == THREADS
