"""Server start-up options: a time scale, per-poll progress, the output of
``omics-mock server`` (URL for scripts, access log, --quiet)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from omics_mock.harness.server.access_log import AccessLogFormatter, colour_wanted
from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer

from .server_http import NO_PREFIX, call, create_workflow, start_run


def wait_for(client: Any, run_id: str, status: str, seconds: float = 10) -> int:
    """Poll GetRun every 10 ms until ``status``; the number of polls."""
    deadline = time.monotonic() + seconds
    polls = 0
    while True:
        polls += 1
        if client.get_run(id=run_id)["status"] == status:
            return polls
        assert time.monotonic() < deadline, f"run {run_id} not {status} after {seconds} s"
        time.sleep(0.01)


@pytest.fixture
def fast() -> Iterator[ThreadedServer]:
    with ThreadedServer(time_scale=10_000) as server:
        yield server


def test_runs_complete_in_real_time_under_a_time_scale(fast: ThreadedServer) -> None:
    client = omics_client_for(endpoint_url=fast.url, config=NO_PREFIX)
    run_id = start_run(client, create_workflow(client))
    wait_for(client, run_id, "COMPLETED")  # 510 virtual seconds: about 51 ms
    assert len(client.list_run_tasks(id=run_id)["items"]) == 3


def test_clock_reports_and_changes_the_scale(fast: ThreadedServer) -> None:
    assert call(fast, "GET", "/_omics_mock/clock")[1]["scale"] == 10_000
    status, clock, _ = call(fast, "POST", "/_omics_mock/clock/scale", {"scale": 0})
    assert (status, clock["scale"]) == (200, 0)
    first = call(fast, "GET", "/_omics_mock/clock")[1]["now"]
    time.sleep(0.01)
    assert call(fast, "GET", "/_omics_mock/clock")[1]["now"] == first
    advanced = call(fast, "POST", "/_omics_mock/clock/advance", {"hours": 1})[1]["now"]
    assert advanced > first


def test_reset_goes_back_to_the_start_up_scale(fast: ThreadedServer) -> None:
    call(fast, "POST", "/_omics_mock/clock/scale", {"scale": 2})
    assert call(fast, "POST", "/_omics_mock/reset")[0] == 200
    assert fast.control.clock.scale == 10_000


def test_per_poll_progress_from_start_up_survives_a_reset() -> None:
    with ThreadedServer(progress="per_poll") as server:
        call(server, "POST", "/_omics_mock/reset")
        client = omics_client_for(endpoint_url=server.url, config=NO_PREFIX)
        run_id = start_run(client, create_workflow(client))
        statuses = [client.get_run(id=run_id)["status"] for _ in range(5)]
    assert statuses == ["STARTING", "RUNNING", "STOPPING", "COMPLETED", "COMPLETED"]


@pytest.mark.parametrize(
    "options", [{"time_scale": -1}, {"time_scale": float("nan")}, {"progress": "fast"}]
)
def test_bad_start_up_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ThreadedServer(**options)


def test_client_environment_points_clients_at_the_server(fast: ThreadedServer) -> None:
    environment = fast.client_environment("eu-west-1")
    assert environment["AWS_ENDPOINT_URL_OMICS"] == environment["HEALTHOMICS_ENDPOINT_URL"]
    assert environment["AWS_ENDPOINT_URL_OMICS"] == fast.url
    assert environment["AWS_DISABLE_HOST_PREFIX_INJECTION"] == "true"
    assert environment["AWS_DEFAULT_REGION"] == "eu-west-1"


# -- omics-mock server -------------------------------------------------------------------------


def start_command(*options: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """``python -m omics_mock server --port 0 ...``, and what it printed for scripts."""
    process = subprocess.Popen(
        [sys.executable, "-m", "omics_mock", "server", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    printed = dict(process.stdout.readline().strip().split("=", 1) for _ in range(2))
    return process, printed


def stop_command(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.terminate()
    out, err = process.communicate(timeout=10)
    return out, err


def test_server_command_prints_its_url_for_scripts() -> None:
    process, printed = start_command("--time-scale", "600")
    try:
        url, port = printed["OMICS_MOCK_URL"], printed["OMICS_MOCK_PORT"]
        assert url == f"http://127.0.0.1:{port}"
        with requests.Session() as session:  # one connection: its requests log in order
            assert session.get(f"{url}/_omics_mock/clock", timeout=5).json()["scale"] == 600
            assert session.get(f"{url}/run/1234567", timeout=5).status_code == 404
            assert session.get(f"{url}/_omics_mock/health", timeout=5).status_code == 200
    finally:
        _, err = stop_command(process)
    assert "time scale 600 (10 virtual minutes a second)" in err
    assert '"GET /run/1234567 HTTP/1.1" 404 ResourceNotFoundException' in err
    assert "\x1b[" not in err  # not a terminal: no colour


def test_quiet_server_command_prints_only_the_url() -> None:
    process, printed = start_command("--quiet", "--progress", "per_poll")
    try:
        url = printed["OMICS_MOCK_URL"]
        assert requests.get(f"{url}/_omics_mock/health", timeout=5).status_code == 200
    finally:
        out, err = stop_command(process)
    assert (out, err) == ("", "")


@pytest.mark.parametrize("option", [["--time-scale", "-5"], ["--progress", "soon"]])
def test_server_command_refuses_bad_options(option: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "omics_mock", "server", *option],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert option[0] in done.stderr


def test_access_log_is_coloured_by_status_only_when_asked() -> None:
    record = logging.LogRecord("omics_mock.server", logging.INFO, "", 0, "line", None, None)
    record.status = 404
    assert AccessLogFormatter(colour=True).format(record) == "\x1b[33mline\x1b[0m"
    assert AccessLogFormatter(colour=False).format(record) == "line"


def test_colour_needs_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert colour_wanted(Terminal())  # type: ignore[arg-type]
    assert not colour_wanted(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(Terminal())  # type: ignore[arg-type]
