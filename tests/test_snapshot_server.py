"""Snapshots in server mode: GET /_omics_mock/snapshot, POST /_omics_mock/restore, and
``omics-mock server --state PATH`` (loaded at start, saved atomically on a clean stop)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from omics_mock.harness.snapshots import leftovers
from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer

from .helpers import OUT, ROLE
from .server_http import NO_PREFIX, call, create_workflow, start_run

pytest.importorskip("werkzeug")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


def test_snapshot_and_restore_over_http(server: ThreadedServer) -> None:
    omics = omics_client_for(endpoint_url=server.url, config=NO_PREFIX)
    workflow = create_workflow(omics)
    run = start_run(omics, workflow)
    status, snapshot, _ = call(server, "GET", "/_omics_mock/snapshot")
    assert status == 200 and snapshot["format"] == "omics-mock-snapshot"
    before = omics.get_run(id=run)["status"]
    call(server, "POST", "/_omics_mock/clock/advance", {"hours": 2})
    assert omics.get_run(id=run)["status"] == "COMPLETED"
    status, answer, _ = call(server, "POST", "/_omics_mock/restore", snapshot)
    assert status == 200 and answer["restored"] is True
    assert answer["virtual_time"] == snapshot["virtual_time"]
    assert omics.get_run(id=run)["status"] == before


def test_a_bad_snapshot_over_http_is_refused_and_changes_nothing(server: ThreadedServer) -> None:
    omics = omics_client_for(endpoint_url=server.url, config=NO_PREFIX)
    create_workflow(omics)
    _, snapshot, _ = call(server, "GET", "/_omics_mock/snapshot")
    snapshot["version"] = 2
    status, answer, _ = call(server, "POST", "/_omics_mock/restore", snapshot)
    assert status == 400
    assert "unknown snapshot format version 2" in answer["error"]
    assert len(omics.list_workflows()["items"]) == 1


# -- omics-mock server --state ----------------------------------------------------------------


class Server:
    """``omics-mock server --port 0 --state PATH`` in a child process."""

    def __init__(self, state: Path, log: Path) -> None:
        self._log_path = log
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "omics_mock", "server", "--port", "0", "--state", str(state)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self.lines: list[str] = []
        self.url = self._wait_for_url()
        self.omics = omics_client_for(endpoint_url=self.url, config=NO_PREFIX)

    def _wait_for_url(self) -> str:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("OMICS_MOCK_URL="):
                self.lines = self._log_path.read_text().splitlines()
                return line.strip().partition("=")[2]
        raise AssertionError(f"the server did not start: {self._log_path.read_text()}")

    def control(self, method: str, path: str, body: Any = None) -> Any:
        import requests

        answer = requests.request(method, f"{self.url}/_omics_mock{path}", json=body, timeout=60)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def stop(self, how: int = signal.SIGTERM) -> int:
        self.process.send_signal(how)
        code = self.process.wait(timeout=120)
        self._log.close()
        return code


def test_state_is_saved_on_sigterm_and_loaded_at_the_next_start(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = Server(state, tmp_path / "log1")
    assert any("will be saved to" in line for line in first.lines)
    workflow = create_workflow(first.omics)
    run = start_run(first.omics, workflow)
    assert first.stop() == 0
    assert json.loads(state.read_text())["format"] == "omics-mock-snapshot"
    second = Server(state, tmp_path / "log2")
    try:
        assert any("loaded from" in line for line in second.lines)
        assert second.omics.get_run(id=run)["workflowId"] == workflow
    finally:
        assert second.stop(signal.SIGINT) == 0
    assert leftovers(state) == []


def many_runs(server: Server, runs: int) -> None:
    """A batch of ``runs`` runs, driven to its end: a state that takes a while to save."""
    workflow = create_workflow(server.omics)
    server.control("PUT", "/quotas", {"start_run_tps": 1000})
    server.control("POST", "/durations", {"pending": 0, "starting": 1, "running": 1})
    settings = [{"runSettingId": str(n), "parameters": {"sample": f"S{n}"}} for n in range(runs)]
    server.control("PUT", "/s3", {"uri": "s3://settings/runs.json", "data": json.dumps(settings)})
    batch = server.omics.start_run_batch(
        defaultRunSetting={"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT},
        batchRunSettings={"s3UriSettings": "s3://settings/runs.json"},
    )["id"]
    while server.omics.get_batch(batchId=batch)["status"] != "PROCESSED":
        server.control("POST", "/clock/advance", {"seconds": 60})


def test_a_kill_during_the_save_leaves_the_previous_state_whole(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = Server(state, tmp_path / "log1")
    many_runs(first, 5_000)
    assert first.stop() == 0
    saved = state.read_bytes()

    second = Server(state, tmp_path / "log2")
    second.omics.create_run_group(name="made-after-the-save")
    second.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 60
    while not leftovers(state) and time.monotonic() < deadline:
        time.sleep(0.001)
    assert leftovers(state), "the save never started"
    second.process.kill()
    second.process.wait(timeout=60)
    assert state.read_bytes() == saved

    third = Server(state, tmp_path / "log3")
    try:
        assert leftovers(state) == []
        assert third.omics.list_run_groups()["items"] == []
        assert len(third.omics.list_runs(maxResults=100)["items"]) == 100
    finally:
        assert third.stop() == 0
