"""Server mode: real boto3 clients and raw HTTP against a ThreadedServer.

No test here runs inside an active in-process mock (it would answer botocore's
omics requests before they reach the server), except the one that shows it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from omics_mock import mock_omics
from omics_mock.harness.interception import INTERCEPTOR
from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer

from .helpers import OUT, error_of, wdl_zip
from .server_http import NO_PREFIX, call, create_workflow, start_run


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_state(server: ThreadedServer) -> None:
    """Each test starts from an empty server, outside any in-process mock."""
    assert not INTERCEPTOR.active, "server tests must not run inside an in-process mock"
    assert call(server, "POST", "/_omics_mock/reset")[0] == 200


@pytest.fixture(scope="module")
def client(server: ThreadedServer) -> Any:
    return omics_client_for(endpoint_url=server.url, config=NO_PREFIX)


def advance(server: ThreadedServer, **units: float) -> dict[str, Any]:
    status, payload, _ = call(server, "POST", "/_omics_mock/clock/advance", units)
    assert status == 200, payload
    return dict(payload)


# -- the AWS API over HTTP ----------------------------------------------------------------


def test_run_completes_after_the_clock_advances(server: ThreadedServer, client: Any) -> None:
    run_id = start_run(client, create_workflow(client))
    assert client.get_run(id=run_id)["status"] == "PENDING"
    advance(server, hours=1)
    assert client.get_run(id=run_id)["status"] == "COMPLETED"


def test_unknown_run_is_not_found(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_run(id="1234567")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "Run 1234567 not found")


def test_invalid_parameter_is_a_validation_error(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.start_run(workflowId="1", roleArn="not-a-role", outputUri=OUT, priority=10**6)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "priority" in message


def test_cancelling_a_completed_run_is_a_conflict(server: ThreadedServer, client: Any) -> None:
    run_id = start_run(client, create_workflow(client))
    advance(server, hours=1)
    with pytest.raises(ClientError) as excinfo:
        client.cancel_run(id=run_id)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_region_comes_from_the_signature(server: ThreadedServer, client: Any) -> None:
    create_workflow(client)
    elsewhere = omics_client_for("eu-west-1", endpoint_url=server.url, config=NO_PREFIX)
    assert elsewhere.list_workflows()["items"] == []
    assert len(client.list_workflows()["items"]) == 1


def test_unknown_path_is_a_modelled_error(server: ThreadedServer) -> None:
    status, payload, response = call(server, "GET", "/no/such/operation")
    assert status == 404
    assert response.getheader("x-amzn-ErrorType") == "UnknownOperationException"
    assert "GET /no/such/operation" in payload["message"]


def test_exported_definition_downloads_from_the_server(server: ThreadedServer, client: Any) -> None:
    workflow_id = create_workflow(client)
    url = client.get_workflow(id=workflow_id, export=["DEFINITION"])["definition"]
    assert url.startswith(server.url + "/_omics_mock/artifacts/")
    status, data, _ = call(server, "GET", url[len(server.url) :])
    assert (status, data) == (200, wdl_zip())


# -- host forms -----------------------------------------------------------------------------


def test_host_prefixed_request_is_served(server: ThreadedServer, client: Any) -> None:
    create_workflow(client)
    host = {"Host": f"workflows-localhost:{server.port}"}
    status, payload, _ = call(server, "GET", "/workflow", headers=host)
    assert status == 200
    assert [item["name"] for item in payload["items"]] == ["wgs"]


def test_client_with_host_prefix_injection_through_the_server_as_proxy(
    server: ThreadedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
    config = Config(proxies={"http": server.url}, retries={"total_max_attempts": 1})
    prefixed = omics_client_for(endpoint_url=f"http://localhost:{server.port}", config=config)
    created = prefixed.create_workflow(name="via-proxy", definitionZip=wdl_zip())
    assert prefixed.get_workflow(id=created["id"])["name"] == "via-proxy"


# -- the control API --------------------------------------------------------------------------


def test_clock_reads_and_advances(server: ThreadedServer) -> None:
    status, before, _ = call(server, "GET", "/_omics_mock/clock")
    assert (status, before["offset_seconds"]) == (200, 0)
    assert advance(server, seconds=90, minutes=1)["offset_seconds"] == 150


def test_forced_outcomes(server: ThreadedServer, client: Any) -> None:
    workflow_id = create_workflow(client)
    failing, completing = start_run(client, workflow_id), start_run(client, workflow_id)
    status, payload, _ = call(
        server, "POST", f"/_omics_mock/runs/{failing}/fail", {"reason": "OutOfMemory"}
    )
    assert (status, payload["status"]) == (200, "FAILED")
    assert call(server, "POST", f"/_omics_mock/runs/{completing}/complete")[0] == 200
    run = client.get_run(id=failing)
    assert (run["status"], run["failureReason"]) == ("FAILED", "OutOfMemory")
    assert client.get_run(id=completing)["status"] == "COMPLETED"


def test_injected_fault_answers_once(server: ThreadedServer, client: Any) -> None:
    fault = {"operation": "ListWorkflows", "error": "AccessDeniedException", "times": 1}
    status, payload, _ = call(server, "POST", "/_omics_mock/faults", fault)
    assert (status, len(payload["faults"])) == (200, 1)
    with pytest.raises(ClientError) as excinfo:
        client.list_workflows()
    assert error_of(excinfo)[:2] == ("AccessDeniedException", 403)
    assert client.list_workflows()["items"] == []
    assert call(server, "GET", "/_omics_mock/faults")[1] == {"faults": []}


def test_request_log(server: ThreadedServer, client: Any) -> None:
    client.list_workflows()
    with pytest.raises(ClientError):
        client.get_run(id="1234567")
    status, log, _ = call(server, "GET", "/_omics_mock/requests")
    assert (status, log["count"]) == (200, 2)
    assert log["requests"][1]["error_code"] == "ResourceNotFoundException"
    assert [record["status"] for record in log["requests"]] == [200, 404]
    assert call(server, "GET", "/_omics_mock/requests?operation=GetRun")[1]["count"] == 1


def test_reset_discards_state(server: ThreadedServer, client: Any) -> None:
    create_workflow(client)
    advance(server, hours=1)
    assert call(server, "POST", "/_omics_mock/reset")[0] == 200
    assert client.list_workflows()["items"] == []
    assert call(server, "GET", "/_omics_mock/clock")[1]["offset_seconds"] == 0


def test_quotas_and_durations(server: ThreadedServer, client: Any) -> None:
    assert call(server, "PUT", "/_omics_mock/quotas", {"max_workflows": 1})[0] == 200
    durations = {"pending": 1, "starting": 1, "running": 1, "stopping": 1}
    assert call(server, "POST", "/_omics_mock/durations", durations)[0] == 200
    run_id = start_run(client, create_workflow(client))
    with pytest.raises(ClientError) as excinfo:
        client.create_workflow(name="second", definitionZip=wdl_zip())
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)
    advance(server, seconds=5)
    assert client.get_run(id=run_id)["status"] == "COMPLETED"


def test_scripted_outcomes(server: ThreadedServer, client: Any) -> None:
    workflow_id = create_workflow(client)
    script = {"outcomes": [["FAILED", "OutOfMemory"], "COMPLETED"]}
    assert call(server, "POST", f"/_omics_mock/workflows/{workflow_id}/outcomes", script)[0] == 200
    first, second = start_run(client, workflow_id), start_run(client, workflow_id)
    advance(server, hours=1)
    assert client.get_run(id=first)["failureReason"] == "OutOfMemory"
    assert client.get_run(id=second)["status"] == "COMPLETED"


def test_s3_objects_and_accounts(server: ThreadedServer) -> None:
    import base64

    obj = {"uri": "s3://defs/wgs.zip", "data_base64": base64.b64encode(wdl_zip()).decode()}
    assert call(server, "PUT", "/_omics_mock/s3", obj)[0] == 200
    mapping = {"access_key_id": "AKIAOTHERACCOUNT0000", "account_id": "111122223333"}
    assert call(server, "POST", "/_omics_mock/accounts", mapping)[0] == 200
    other = omics_client_for(
        endpoint_url=server.url,
        config=NO_PREFIX,
        aws_access_key_id="AKIAOTHERACCOUNT0000",
        aws_secret_access_key="secret",
    )
    created = other.create_workflow(name="from-s3", definitionUri="s3://defs/wgs.zip")
    assert ":111122223333:" in created["arn"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/_omics_mock/nothing", None, 404),
        ("GET", "/_omics_mock/reset", None, 405),
        ("POST", "/_omics_mock/clock/advance", b"{not json", 400),
        ("POST", "/_omics_mock/clock/advance", {"weeks": 1}, 400),
        ("POST", "/_omics_mock/clock/advance", {"seconds": -1}, 400),
        ("POST", "/_omics_mock/runs/7654321/complete", None, 404),
        ("POST", "/_omics_mock/faults", {"operation": "GetRun", "error": "Nope"}, 400),
        ("POST", "/_omics_mock/faults", {"error": "ThrottlingException"}, 400),
        ("PUT", "/_omics_mock/quotas", {"max_runs": "many"}, 400),
        ("PUT", "/_omics_mock/quotas", {"max_coffee": 1}, 400),
        ("GET", "/_omics_mock/artifacts/missing.zip", None, 404),
    ],
)
def test_control_errors(
    server: ThreadedServer, method: str, path: str, body: Any, status: int
) -> None:
    answered, payload, _ = call(server, method, path, body)
    assert answered == status
    assert "error" in payload


# -- servers, threads, the in-process mock ------------------------------------------------------


def test_two_servers_are_independent(server: ThreadedServer, client: Any) -> None:
    create_workflow(client)
    with ThreadedServer() as other:
        assert other.port != server.port
        other_client = omics_client_for(endpoint_url=other.url, config=NO_PREFIX)
        assert other_client.list_workflows()["items"] == []
        advance(other, hours=1)
        assert call(server, "GET", "/_omics_mock/clock")[1]["offset_seconds"] == 0


def test_concurrent_requests(client: Any) -> None:
    errors: list[BaseException] = []

    def create_groups(worker: int) -> None:
        try:
            for index in range(10):
                client.create_run_group(name=f"g{worker}-{index}", requestId=f"{worker}-{index}")
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=create_groups, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    pages = client.get_paginator("list_run_groups").paginate()
    assert sum(len(page["items"]) for page in pages) == 40


def test_active_in_process_mock_answers_before_the_server(
    server: ThreadedServer, client: Any
) -> None:
    with mock_omics():
        client.list_workflows()
    assert call(server, "GET", "/_omics_mock/requests")[1]["count"] == 0


def test_python_control_reaches_the_same_state(server: ThreadedServer, client: Any) -> None:
    run_id = start_run(client, create_workflow(client))
    server.control.runs.complete(run_id)
    assert client.get_run(id=run_id)["status"] == "COMPLETED"


def test_cli_server_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import omics_mock.harness.server.serving
    from omics_mock.harness.cli import main

    served: list[tuple[Any, ...]] = []

    def serve(host: str, port: int, read_timeout: float | None, **options: Any) -> None:
        served.append((host, port, read_timeout, options))

    monkeypatch.setattr(omics_mock.harness.server.serving, "serve", serve)
    assert main(["server", "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert main(["server", "--time-scale", "600", "--progress", "per_poll", "-q"]) == 0
    assert main(["server", "--read-timeout", "2.5", "--log-level", "warning"]) == 0
    assert main(["server", "--state", "saved.json"]) == 0
    defaults = {"time_scale": 1.0, "progress": "time", "quiet": False, "state_path": None}
    assert served == [
        ("0.0.0.0", 8123, None, defaults),
        (
            "127.0.0.1",
            5000,
            None,
            {**defaults, "time_scale": 600.0, "progress": "per_poll", "quiet": True},
        ),
        ("127.0.0.1", 5000, 2.5, defaults),
        ("127.0.0.1", 5000, None, {**defaults, "state_path": "saved.json"}),
    ]
