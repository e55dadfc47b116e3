"""The AWS CLI (v1, ``awscli`` from PyPI) as a separate process against server mode.

Configured as docs/server.md says: ``--endpoint-url``, fake credentials and
``AWS_DISABLE_HOST_PREFIX_INJECTION=true``; no config or credentials file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from omics_mock.server import ThreadedServer

from .clients import TOO_HIGH_PRIORITY, UNKNOWN_RUN, batch_request, scaled, statuses
from .helpers import OUT, ROLE, wdl_zip


@pytest.fixture(scope="module")
def aws() -> str:
    found = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    if found is None:
        pytest.skip("the AWS CLI is not installed (pip install awscli)")
    return found


class Cli:
    """``aws omics ...`` against one server, as a user would type it."""

    def __init__(self, aws: str, server: ThreadedServer, home: Path) -> None:
        self.home = home
        self.argv = [aws, "--endpoint-url", server.url, "--output", "json", "omics"]
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "AWS_CONFIG_FILE": str(home / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
            "AWS_MAX_ATTEMPTS": "1",
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.argv, *args],
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def __call__(self, *args: str) -> Any:
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else None

    def poll(self, args: list[str], until: str, seconds: float = 60) -> list[str]:
        """The distinct statuses seen until ``until`` (each poll is a new process)."""
        seen: list[str] = []
        deadline = time.monotonic() + seconds
        while not seen or seen[-1] != until:
            assert time.monotonic() < deadline, f"still {seen} after {seconds} s"
            status = self(*args)["status"]
            if not seen or seen[-1] != status:
                seen.append(status)
        return seen


def test_aws_cli_runs_a_workflow_end_to_end(
    aws: str, omics_server: ThreadedServer, tmp_path: Path
) -> None:
    cli = Cli(aws, scaled(omics_server), tmp_path)
    (tmp_path / "wgs.zip").write_bytes(wdl_zip())
    with ThreadPoolExecutor(2) as pool:  # the two refusals, beside the rest
        not_found = pool.submit(cli.run, "get-run", "--id", UNKNOWN_RUN)
        workflow = cli(
            "create-workflow", "--name", "cli-wgs", "--definition-zip", "fileb://wgs.zip"
        )
        assert cli("get-workflow", "--id", workflow["id"])["status"] == "ACTIVE"
        start = ["--workflow-id", workflow["id"], "--role-arn", ROLE, "--output-uri", OUT]
        too_high = pool.submit(cli.run, "start-run", *start, "--priority", str(TOO_HIGH_PRIORITY))
        run = cli("start-run", *start, "--parameters", '{"sample": "NA12878"}')
        assert cli.poll(["get-run", "--id", run["id"]], "COMPLETED")[-1] == "COMPLETED"
        listed = cli("list-runs")["items"]
        tasks = cli("list-run-tasks", "--id", run["id"])["items"]
        request = batch_request(workflow["id"])
        batch = cli(
            "start-run-batch",
            "--default-run-setting",
            json.dumps(request["defaultRunSetting"]),
            "--batch-run-settings",
            json.dumps(request["batchRunSettings"]),
        )
        batch_statuses = cli.poll(["get-batch", "--batch-id", batch["id"]], "PROCESSED")
        refused = not_found.result(), too_high.result()

    assert [item["id"] for item in listed] == [run["id"]]
    assert [task["status"] for task in tasks] == ["COMPLETED"] * 3
    assert batch_statuses[-1] == "PROCESSED"
    assert refused[0].returncode != 0
    assert "(ResourceNotFoundException)" in refused[0].stderr
    assert f"Run {UNKNOWN_RUN} not found" in refused[0].stderr
    assert refused[1].returncode != 0 and "(ValidationException)" in refused[1].stderr
    assert 404 in statuses(omics_server, "GetRun")
    assert statuses(omics_server, "StartRun") in ([400, 201], [201, 400])
