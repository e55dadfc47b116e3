"""The AWS SDK for JavaScript v3 (``@aws-sdk/client-omics``) against server mode.

Skips when ``node`` or ``npm`` is missing; installs the SDK into ``tests/js``
(``npm ci``, pinned by ``tests/js/package-lock.json``) on first use. ``.ci/run``
installs node and npm and the SDK, so CI runs it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from omics_mock.server import ThreadedServer

from .clients import TOO_HIGH_PRIORITY, UNKNOWN_RUN, scaled, statuses
from .helpers import wdl_zip

JS = Path(__file__).resolve().parent / "js"
SDK = JS / "node_modules" / "@aws-sdk" / "client-omics"


@pytest.fixture(scope="session")
def node() -> str:
    """The ``node`` executable, with the SDK installed beside the scenario."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed (apt-get install nodejs npm; .ci/run does)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < 20:
        pytest.skip(f"@aws-sdk/client-omics needs node 20 or later, not {version}")
    with open(JS / ".install.lock", "w") as lock:  # pytest-xdist workers install once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not SDK.is_dir():
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=JS,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                message = f"npm ci failed in {JS}:\n{done.stdout}{done.stderr}"
                if os.environ.get("CI"):
                    pytest.fail(message)
                pytest.skip(message)
    return node


def run_scenario(node: str, server: ThreadedServer, definition: Path) -> dict[str, Any]:
    done = subprocess.run(
        [node, "scenario.mjs", server.url, str(definition)],
        cwd=JS,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(definition.parent)},
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_javascript_sdk_v3_runs_a_workflow_end_to_end(
    node: str, omics_server: ThreadedServer, tmp_path: Path
) -> None:
    definition = tmp_path / "wgs.zip"
    definition.write_bytes(wdl_zip())
    connections_before = omics_server.connections_accepted
    seen = run_scenario(node, scaled(omics_server), definition)

    assert seen["workflow"] == "SUCCESS"
    assert seen["startAnswer"] == "PENDING"
    assert seen["started"] in ("PENDING", "STARTING", "RUNNING", "STOPPING", "COMPLETED")
    assert seen["waiter"] == "SUCCESS"
    assert seen["run"]["status"] == "COMPLETED" and seen["run"]["stopTime"]
    assert seen["listed"] == [seen["run"]["id"]]
    assert seen["tasks"] == ["COMPLETED"] * 3
    assert seen["batch"][-1] == "PROCESSED"
    assert seen["notFound"] == {
        "name": "ResourceNotFoundException",
        "status": 404,
        "message": f"Run {UNKNOWN_RUN} not found",
    }
    assert (seen["badPriority"]["name"], seen["badPriority"]["status"]) == (
        "ValidationException",
        400,
    )
    assert str(TOO_HIGH_PRIORITY) in seen["badPriority"]["message"]
    assert statuses(omics_server, "StartRun") == [201, 400]
    connections = omics_server.connections_accepted - connections_before
    assert len(omics_server.control.requests) > 10
    assert connections <= 3, f"{connections} connections: not kept alive"
