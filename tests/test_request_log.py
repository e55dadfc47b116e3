"""The request log: every answered request, with its error code and status, the latest N kept."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.service.kernel.state import Backend as OmicsBackend

from .test_concurrency import run_threads

UNVALIDATED = Config(parameter_validation=False, retries={"total_max_attempts": 1})
HOST = "https://workflows-omics.us-east-1.amazonaws.com"


def last(mock: Any) -> tuple[str, str | None, int]:
    record = mock.requests[-1]
    return record.operation, record.error_code, record.status


def test_a_success_is_logged_with_its_status(omics: Any, omics_mock: Any) -> None:
    omics.create_run_group(name="g")
    assert last(omics_mock) == ("CreateRunGroup", None, 201)


def test_a_request_refused_by_model_validation_is_logged(omics: Any, omics_mock: Any) -> None:
    with pytest.raises(ClientError):
        omics.get_run(id="not-digits")  # botocore does not check patterns; the mock does
    with pytest.raises(ClientError):
        omics_client_for("us-east-1", config=UNVALIDATED).create_run_group(maxCpus=0)
    records = omics_mock.requests[-2:]
    assert [(r.operation, r.error_code, r.status) for r in records] == [
        ("GetRun", "ValidationException", 400),
        ("CreateRunGroup", "ValidationException", 400),
    ]
    assert records[0].params == {"id": "not-digits"}
    assert (records[0].account_id, records[0].region) == ("123456789012", "us-east-1")


def test_a_request_no_operation_matches_is_logged(omics_mock: Any) -> None:
    answer = requests.delete(f"{HOST}/no/such/path", timeout=5)
    assert answer.status_code == 404
    record = omics_mock.requests[-1]
    assert (record.operation, record.error_code, record.status) == (
        "",
        "UnknownOperationException",
        404,
    )
    assert record.params == {"method": "DELETE", "path": "/no/such/path"}


def test_a_500_from_a_bug_in_a_backend_is_logged(
    omics_mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(backend: OmicsBackend, operation: str, params: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(OmicsBackend, "call", broken)
    with pytest.raises(ClientError) as failed:
        omics_client_for("us-east-1", config=UNVALIDATED).list_runs()
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert last(omics_mock) == ("ListRuns", "InternalServerException", 500)


def test_a_500_before_the_backend_is_logged(
    omics_mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from omics_mock.wire.model import OperationSpec

    def broken(spec: OperationSpec, compiler: Any) -> Any:
        raise IndexError("list index out of range")

    monkeypatch.setattr(OperationSpec, "validator", broken)
    with pytest.raises(ClientError):
        omics_client_for("us-east-1", config=UNVALIDATED).list_run_groups()
    assert last(omics_mock) == ("ListRunGroups", "InternalServerException", 500)


def test_a_500_while_writing_a_success_is_logged_as_the_500(
    omics_mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from omics_mock.wire import pipeline as handler

    def broken(spec: Any, result: Any) -> Any:
        raise TypeError("cannot serialise")

    monkeypatch.setattr(handler, "serialize_output", broken)
    with pytest.raises(ClientError):
        omics_client_for("us-east-1", config=UNVALIDATED).create_run_group(name="g")
    assert last(omics_mock) == ("CreateRunGroup", "InternalServerException", 500)
    assert len(omics_mock.calls("CreateRunGroup")) == 1


def test_an_injected_fault_is_logged_with_its_modelled_status(omics_mock: Any) -> None:
    omics_mock.faults.inject("ListRuns", "ThrottlingException")
    with pytest.raises(ClientError):
        omics_client_for("us-east-1", config=UNVALIDATED).list_runs()
    assert last(omics_mock) == ("ListRuns", "ThrottlingException", 429)


# -- the bound ------------------------------------------------------------------------------


def test_the_log_keeps_the_latest_requests_up_to_its_size(omics: Any, omics_mock: Any) -> None:
    assert omics_mock.settings.request_log_size == 10_000
    omics_mock.settings.request_log_size = 5
    names = [omics.create_run_group(name=f"g{i}")["id"] for i in range(12)]
    log = omics_mock.requests
    assert len(log) == 5 and log.total == 12
    assert [r.operation for r in log] == ["CreateRunGroup"] * 5
    assert [omics_mock.inspect().run_groups.get(n).name for n in names[-5:]] == [
        f"g{i}" for i in range(7, 12)
    ]
    assert len(omics_mock.calls("CreateRunGroup")) == 5


def test_resizing_keeps_the_newest_and_zero_keeps_none(omics: Any, omics_mock: Any) -> None:
    for _ in range(4):
        omics.list_runs()
    omics.list_run_groups()
    omics_mock.settings.request_log_size = 2
    omics.list_workflows()
    assert [r.operation for r in omics_mock.requests] == ["ListRunGroups", "ListWorkflows"]
    omics_mock.settings.request_log_size = 0
    omics.list_runs()
    assert (len(omics_mock.requests), omics_mock.requests.total) == (2, 7)
    omics_mock.requests.clear()
    assert (list(omics_mock.requests), omics_mock.calls("ListRuns")) == ([], [])


def list_runs(client: Any, times: int) -> None:
    for _ in range(times):
        client.list_runs()


def test_threads_append_and_read_the_log_together(omics_mock: Any) -> None:
    omics_mock.settings.request_log_size = 1000
    stop = threading.Event()
    seen: list[int] = []

    def read() -> None:
        while not stop.is_set():
            seen.append(sum(1 for r in omics_mock.requests if r.operation == "ListRuns"))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        run_threads(lambda index: list_runs(omics_client_for("us-east-1"), 150))
    finally:
        stop.set()
        reader.join()
    assert (len(omics_mock.requests), omics_mock.requests.total) == (1000, 8 * 150)
    assert seen and max(seen) <= 1000
