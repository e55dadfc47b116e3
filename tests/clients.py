"""What the real-client tests share: the server's time scale and what each client must see.

Each client (the JavaScript SDK v3, the AWS CLI, boto3 from threads) creates a
workflow, starts a run and sees it COMPLETED with no control call (the time
scale moves it), lists runs and tasks, takes a batch to PROCESSED, and gets a
404 for an unknown run and a 400 for an out-of-range priority.
"""

from __future__ import annotations

from typing import Any

from omics_mock.server import ThreadedServer

from .helpers import OUT, ROLE

TIME_SCALE = 600
"""Ten virtual minutes per real second: a default run (510 s) ends in under a second."""
UNKNOWN_RUN = "9999999"
TOO_HIGH_PRIORITY = 1_000_000
"""StartRun's priority is at most 100,000."""
BATCH_DEFAULT = {"roleArn": ROLE, "outputUri": OUT}
BATCH_SETTINGS = {
    "inlineSettings": [
        {"runSettingId": f"s{n}", "parameters": {"sample": f"S{n}"}} for n in range(1, 4)
    ]
}


def scaled(server: ThreadedServer) -> ThreadedServer:
    """``server`` with virtual time at ``TIME_SCALE`` (the fixture's reset undoes it)."""
    server.control.clock.scale = TIME_SCALE
    return server


def statuses(server: ThreadedServer, operation: str) -> list[int]:
    """The HTTP statuses the server answered ``operation`` with, in order."""
    return [record.status for record in server.control.calls(operation)]


def batch_request(workflow_id: str) -> dict[str, Any]:
    return {
        "defaultRunSetting": {"workflowId": workflow_id, **BATCH_DEFAULT},
        "batchRunSettings": BATCH_SETTINGS,
    }
