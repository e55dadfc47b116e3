"""Side by side with moto, plain ``requests``, a user's ``responses`` mock, and import order."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import boto3
import pytest
import requests
import responses

from omics_mock import mock_omics

from .guards import NetworkGuard, new_client, no_network_fixture  # noqa: F401
from .helpers import wdl_zip

OMICS_URL = "https://workflows-omics.us-east-1.amazonaws.com/workflow/1234567"
USER_URL = "https://api.example.com/samples"


# -- moto ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mock_aws() -> Any:
    moto = pytest.importorskip("moto")
    return moto.mock_aws


def use_both_services() -> tuple[bytes, str, dict[str, Any]]:
    """Create a bucket and an IAM role with moto, a workflow with omics-mock."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="omics-inputs")
    s3.put_object(Bucket="omics-inputs", Key="sample.fastq", Body=b"@read1")
    body = s3.get_object(Bucket="omics-inputs", Key="sample.fastq")["Body"].read()
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName="omics-run", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="/aws/omics/WorkflowLog")
    omics = boto3.client("omics", region_name="us-east-1")
    workflow = omics.create_workflow(name="wgs", definitionZip=wdl_zip())
    groups = logs.describe_log_groups()["logGroups"]
    return body, role, {"workflow": workflow["id"], "log_groups": len(groups)}


@pytest.mark.parametrize("omics_outer", [True, False], ids=["omics-outer", "moto-outer"])
def test_moto_answers_aws_services_and_omics_mock_answers_omics(
    mock_aws: Any, omics_outer: bool, no_network: NetworkGuard
) -> None:
    with ExitStack() as stack:
        mocks = [mock_omics(), mock_aws()]
        for mock in mocks if omics_outer else reversed(mocks):
            stack.enter_context(mock)
        body, role, omics = use_both_services()
        answered = mocks[0].calls("CreateWorkflow")
    assert body == b"@read1"
    assert role.endswith(":role/omics-run")
    assert omics["log_groups"] == 1
    assert [record.succeeded for record in answered] == [True]
    assert no_network.attempts == []


USER_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAUSERREALKEY00000",
    "AWS_SECRET_ACCESS_KEY": "user-real-secret",
    "AWS_SESSION_TOKEN": "user-session-token",
}
MOTO_KEY = "FOOBARKEY"


@pytest.mark.parametrize("omics_starts_first", [True, False], ids=["omics-starts", "moto-starts"])
@pytest.mark.parametrize("omics_stops_first", [True, False], ids=["omics-stops", "moto-stops"])
def test_environment_is_restored_whatever_order_moto_and_omics_mock_stop_in(
    mock_aws: Any,
    monkeypatch: pytest.MonkeyPatch,
    omics_starts_first: bool,
    omics_stops_first: bool,
) -> None:
    for name, value in USER_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    before = dict(os.environ)
    omics, moto = mock_omics(), mock_aws()
    for mock in (omics, moto) if omics_starts_first else (moto, omics):
        mock.start()
    if omics_stops_first:
        omics.stop()
        assert os.environ["AWS_ACCESS_KEY_ID"] == MOTO_KEY  # moto's, while moto is active
        moto.stop()
    else:
        moto.stop()
        omics.stop()
    assert dict(os.environ) == before


def test_a_variable_changed_while_the_mock_is_active_is_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERREALKEY00000")
    with mock_omics():
        os.environ["AWS_ACCESS_KEY_ID"] = "AKIASETINSIDE0000000"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIASETINSIDE0000000"


def test_plain_requests_to_omics_are_answered_beside_moto(mock_aws: Any) -> None:
    for outer, inner in ((mock_omics(), mock_aws()), (mock_aws(), mock_omics())):
        with outer, inner:
            response = requests.get(OMICS_URL, timeout=5)
        assert response.status_code == 404
        assert response.headers["x-amzn-ErrorType"].startswith("ResourceNotFoundException")


# -- plain requests and a user's responses mock ------------------------------------------


def test_plain_requests_call_to_omics_is_answered(no_network: NetworkGuard) -> None:
    with mock_omics():
        response = requests.get(OMICS_URL, timeout=5)
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"].startswith("ResourceNotFoundException")
    assert response.json() == {"message": "Workflow 1234567 not found"}
    assert no_network.attempts == []


PLAIN_HOSTS = [
    "workflows-omics.us-east-1.amazonaws.com",
    "omics.us-east-1.amazonaws.com",
    "workflows-omics-fips.us-east-1.amazonaws.com",
    "workflows-omics.us-east-1.api.aws",
]


@pytest.mark.parametrize("host", PLAIN_HOSTS)
def test_plain_requests_and_boto3_see_the_same_state(host: str, no_network: NetworkGuard) -> None:
    with mock_omics():
        workflow = new_client().create_workflow(name="wgs", definitionZip=wdl_zip())["id"]
        fetched = requests.get(f"https://{host}/workflow/{workflow}", timeout=5).json()
        created = requests.post(
            f"https://{host}/workflow",
            json={"name": "raw", "requestId": "r1", "definitionUri": "s3://bucket/main.wdl"},
            timeout=5,
        )
        listed = [item["id"] for item in new_client().list_workflows(type="PRIVATE")["items"]]
    assert fetched["id"] == workflow
    assert created.status_code == 201
    assert sorted(listed) == sorted([workflow, created.json()["id"]])
    assert no_network.attempts == []


@pytest.fixture
def user_responses() -> Iterator[responses.RequestsMock]:
    """A user's own ``responses`` mock (not started)."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(responses.GET, USER_URL, json={"samples": ["NA12878"]})
    yield mock


@pytest.mark.parametrize("user_first", [True, False], ids=["user-outer", "user-inner"])
def test_users_responses_mock_keeps_its_urls(
    user_responses: responses.RequestsMock, user_first: bool, no_network: NetworkGuard
) -> None:
    mocks = [user_responses, mock_omics()]
    with ExitStack() as stack:
        for mock in mocks if user_first else reversed(mocks):
            stack.enter_context(mock)
        users = requests.get(USER_URL, timeout=5).json()
        omics = requests.get(OMICS_URL, timeout=5)
        botocore_status = new_client().list_workflows()["ResponseMetadata"]["HTTPStatusCode"]
    assert users == {"samples": ["NA12878"]}
    assert omics.status_code == 404
    assert botocore_status == 200
    assert no_network.attempts == []


def test_users_responses_mock_still_works_after_ours_stops(
    user_responses: responses.RequestsMock,
) -> None:
    with user_responses:
        with mock_omics():
            pass
        assert requests.get(USER_URL, timeout=5).json() == {"samples": ["NA12878"]}


# -- import order (fresh interpreters) -------------------------------------------------------

IMPORT_ORDER_SCRIPT = textwrap.dedent(
    """
    import importlib, json, socket, sys
    import boto3, botocore.session

    class LazySettings:  # like Django's lazy settings: touching __class__ evaluates them
        evaluated = 0
        @property
        def __class__(self):
            LazySettings.evaluated += 1
            raise RuntimeError("settings are not configured")

    keys = dict(aws_access_key_id="AKIAUSERKEY000000000", aws_secret_access_key="user-secret")
    lazy = LazySettings()
    early_boto3 = boto3.session.Session(region_name="us-east-1", **keys).client("omics")
    early_session = botocore.session.Session()
    early_botocore = early_session.create_client("omics", region_name="us-east-1", **keys)

    for name in sys.argv[1:]:
        importlib.import_module(name)
    from moto import mock_aws
    from omics_mock import mock_omics

    late_from_early_session = early_session.create_client("omics", region_name="us-east-1", **keys)
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(repr(args[1:]))
        raise OSError("network disabled")
    socket.socket.connect = refuse
    socket.getaddrinfo = refuse

    result = {}
    with mock_aws(), mock_omics():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="inputs")
        s3.put_object(Bucket="inputs", Key="k", Body=b"data")
        result["s3"] = s3.get_object(Bucket="inputs", Key="k")["Body"].read().decode()
        clients = [early_boto3, early_botocore, late_from_early_session, boto3.client("omics")]
        result["omics"] = [
            c.create_workflow(name="w", definitionZip=b"PK\\x05\\x06" + bytes(18))["id"].isdigit()
            for c in clients
        ]
    result["attempts"] = attempts
    result["lazy_evaluated"] = LazySettings.evaluated
    print(json.dumps(result))
    """
)


ORDERS = {"moto-first": ["moto", "omics_mock"], "omics-first": ["omics_mock", "moto"]}


@pytest.fixture(scope="module", autouse=True)
def import_order_runs() -> Iterator[dict[str, subprocess.Popen[str]]]:
    """The script in fresh interpreters, one per import order, started with the
    module's first test so they run while the other tests do."""
    if importlib.util.find_spec("moto") is None:
        yield {}
        return
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment["AWS_EC2_METADATA_DISABLED"] = "true"
    runs = {
        name: subprocess.Popen(
            [sys.executable, "-c", IMPORT_ORDER_SCRIPT, *order],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for name, order in ORDERS.items()
    }
    yield runs
    for run in runs.values():
        run.kill()
        run.communicate()


@pytest.mark.parametrize("order", ORDERS)
def test_clients_from_before_either_import_are_answered(
    import_order_runs: dict[str, subprocess.Popen[str]], order: str
) -> None:
    if not import_order_runs:
        pytest.skip("moto is not installed")
    stdout, stderr = import_order_runs[order].communicate(timeout=120)
    assert import_order_runs[order].returncode == 0, stderr[-3000:]
    result = json.loads(stdout.strip().splitlines()[-1])
    assert result == {"s3": "data", "omics": [True] * 4, "attempts": [], "lazy_evaluated": 0}


def test_moto_does_not_parse_omics_requests_while_we_answer_them(monkeypatch: Any) -> None:
    """botocore calls every before-send handler; moto's must skip omics events."""
    import boto3
    from moto import mock_aws
    from moto.core.botocore_stubber import BotocoreStubber

    from omics_mock import mock_omics

    seen: list[str] = []
    original = BotocoreStubber.process_request

    def spy(self: Any, request: Any) -> Any:
        seen.append(request.url)
        return original(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", spy)
    with mock_aws(), mock_omics():
        session = boto3.session.Session(region_name="us-east-1")
        session.client("omics").list_workflows()
        session.client("s3").list_buckets()
    assert not [url for url in seen if "omics" in url]
    assert any("s3" in url for url in seen)
