"""Interception: every botocore client, host and endpoint form is answered in process."""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from omics_mock import mock_omics

from .guards import NetworkGuard, new_client, no_network_fixture  # noqa: F401
from .helpers import wdl_zip

FAKE_KEYS = {"aws_access_key_id": "AKIAUSERKEY000000000", "aws_secret_access_key": "user-secret"}
UNKNOWN_ARN = "arn:aws:omics:us-east-1:123456789012:workflow/1234567"

# One operation per endpoint host prefix, with the error that proves the mock answered.
NOT_FOUND = {"ResourceNotFoundException"}
HOST_PROBES: dict[str, tuple[str, dict[str, Any], set[str]]] = {
    "workflows-": ("get_workflow", {"id": "1234567"}, NOT_FOUND),
    "tags-": ("list_tags_for_resource", {"resourceArn": UNKNOWN_ARN}, NOT_FOUND),
    "analytics-": ("get_variant_store", {"name": "cohort"}, NOT_FOUND),
    "control-storage-": ("get_sequence_store", {"id": "1234567890"}, NOT_FOUND),
    "storage-": (
        "get_read_set",
        {"sequenceStoreId": "1234567890", "id": "1234567890", "partNumber": 1},
        NOT_FOUND,
    ),
}


def error_code(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return str(excinfo.value.response["Error"]["Code"])


def assert_answers_every_host(client: Any) -> None:
    """A workflow round trip, and each host prefix's probe answered by the mock."""
    created = client.create_workflow(name="wgs", definitionZip=wdl_zip())
    assert client.get_workflow(id=created["id"])["id"] == created["id"]
    for prefix, (operation, params, expected) in HOST_PROBES.items():
        assert error_code(getattr(client, operation), **params) in expected, prefix


# -- client origin -------------------------------------------------------------------


def test_client_created_inside_the_mock(no_network: NetworkGuard) -> None:
    with mock_omics():
        assert_answers_every_host(boto3.client("omics", region_name="us-east-1"))
    assert no_network.attempts == []


def test_client_created_before_activation(no_network: NetworkGuard) -> None:
    client = boto3.client("omics", region_name="us-east-1", **FAKE_KEYS)
    with mock_omics():
        assert_answers_every_host(client)
    assert no_network.attempts == []


def test_credentialless_client_created_before_activation(
    monkeypatch: pytest.MonkeyPatch, no_network: NetworkGuard
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = botocore.session.Session().create_client("omics", region_name="us-east-1")
    with mock_omics():
        assert client.list_workflows()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert no_network.attempts == []


CREDENTIAL_PROCESS = """
import json, sys
with open(sys.argv[1], "a") as calls:
    calls.write("called\\n")
print(json.dumps({"Version": 1, "AccessKeyId": "AKIAREFRESHING000000", "SecretAccessKey": "s",
                  "SessionToken": "t", "Expiration": "2000-01-01T00:00:00Z"}))
"""


def test_expired_self_refreshing_credentials_are_not_refreshed(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, no_network: NetworkGuard
) -> None:
    script, calls = tmp_path / "creds.py", tmp_path / "calls"
    script.write_text(CREDENTIAL_PROCESS)
    config = tmp_path / "config"
    command = f"{sys.executable} {script} {calls}"
    config.write_text(f"[profile refreshing]\ncredential_process = {command}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    session = boto3.session.Session(profile_name="refreshing", region_name="us-east-1")
    client = session.client("omics")
    assert calls.read_text().count("called") == 1  # fetched once, already expired
    with mock_omics() as mock:
        mock.accounts.map("AKIAREFRESHING000000", "111122223333")
        arn = client.create_workflow(name="wgs", definitionZip=wdl_zip())["arn"]
    assert ":111122223333:" in arn  # signed with the client's own access key
    assert calls.read_text().count("called") == 1
    assert no_network.attempts == []


def test_client_from_a_fresh_botocore_session(no_network: NetworkGuard) -> None:
    before = botocore.session.Session().create_client("omics", region_name="eu-west-1", **FAKE_KEYS)
    with mock_omics() as mock:
        inside = botocore.session.Session().create_client("omics", region_name="eu-west-1")
        assert_answers_every_host(before)
        assert_answers_every_host(inside)
        assert {r.region for r in mock.requests} == {"eu-west-1"}
    assert no_network.attempts == []


def test_client_of_a_session_without_builtin_handlers(no_network: NetworkGuard) -> None:
    session = botocore.session.Session(include_builtin_handlers=False)
    client = session.create_client("omics", region_name="us-east-1", **FAKE_KEYS)
    with mock_omics():
        assert error_code(client.get_workflow, id="1234567") == "ResourceNotFoundException"
    assert no_network.attempts == []


# -- host and endpoint forms ---------------------------------------------------------

NO_PREFIX = Config(inject_host_prefix=False)
ENDPOINT_FORMS: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "default": ({}, {}),
    "no-prefix-config": ({}, {"config": NO_PREFIX}),
    "no-prefix-env": ({"AWS_DISABLE_HOST_PREFIX_INJECTION": "true"}, {}),
    "fips": ({}, {"config": Config(use_fips_endpoint=True)}),
    "dualstack": ({}, {"config": Config(use_dualstack_endpoint=True)}),
    "localstack": ({}, {"endpoint_url": "http://localhost:4566"}),
    "base-path": ({}, {"endpoint_url": "https://example.invalid/base"}),
    "base-path-no-prefix": (
        {},
        {"endpoint_url": "https://example.invalid/base/", "config": NO_PREFIX},
    ),
    "env-endpoint": ({"AWS_ENDPOINT_URL_OMICS": "http://localhost:4566"}, {}),
    "env-endpoint-base-path": ({"AWS_ENDPOINT_URL": "https://example.invalid/base"}, {}),
}


@pytest.mark.parametrize("form", ENDPOINT_FORMS)
def test_every_endpoint_form_is_answered_without_network(
    form: str, monkeypatch: pytest.MonkeyPatch, no_network: NetworkGuard
) -> None:
    environment, client_args = ENDPOINT_FORMS[form]
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with mock_omics():
        assert_answers_every_host(new_client(**client_args))
    assert no_network.attempts == []


# -- virtual time in waiters and retries -----------------------------------------------


def test_waiter_advances_virtual_time_instead_of_sleeping() -> None:
    with mock_omics() as mock:
        mock.settings.durations.workflow_creating = timedelta(seconds=20)
        client = new_client()
        created = client.create_workflow(name="wgs", definitionZip=wdl_zip())
        virtual_start, real_start = mock.clock.now(), time.monotonic()
        client.get_waiter("workflow_active").wait(id=created["id"])
        real_elapsed = time.monotonic() - real_start
        assert mock.clock.now() - virtual_start >= timedelta(seconds=20)
        assert client.get_workflow(id=created["id"])["status"] == "ACTIVE"
    assert real_elapsed < 1.0


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
def test_throttling_is_retried_in_virtual_time(mode: str) -> None:
    with mock_omics() as mock:
        client = new_client(config=Config(retries={"mode": mode, "max_attempts": 4}))
        workflow = client.create_workflow(name="wgs", definitionZip=wdl_zip())["id"]
        mock.faults.inject("GetWorkflow", "ThrottlingException", times=2)
        virtual_start, real_start = mock.clock.now(), time.monotonic()
        assert client.get_workflow(id=workflow)["id"] == workflow
        assert client.get_workflow(id=workflow)["id"] == workflow
        real_elapsed = time.monotonic() - real_start
        codes = [record.error_code for record in mock.calls("GetWorkflow")]
        assert codes == ["ThrottlingException", "ThrottlingException", None, None]
        assert mock.clock.now() > virtual_start
    assert real_elapsed < 0.5


def test_botocore_sleeps_are_real_again_after_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.endpoint
    import botocore.waiter

    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with mock_omics() as mock:
        botocore.waiter.time.sleep(5)
        assert slept == [] and mock.clock.offset == timedelta(seconds=5)
    botocore.waiter.time.sleep(1)
    botocore.endpoint.time.sleep(2)
    assert slept == [1, 2]
