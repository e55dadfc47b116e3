"""Model-driven fuzzing: every operation, valid and broken inputs, random run lifecycles.

Properties, through a real boto3 client under one ``mock_omics()`` per test:

* a request is answered with a success whose body matches the operation's
  output shape, or with a ``ClientError`` whose code is one of the service's
  modelled exceptions at that exception's modelled HTTP status; never a 500,
  never an unmodelled code, never a Python exception out of the mock;
* a model-valid input is never refused by the model's own constraints;
* an input with exactly one broken constraint is a ``ValidationException``
  naming the member (client-side validation off, so the mock sees it);
* raw HTTP requests (any JSON, any bytes, any label text) get the same kind of
  answer;
* a state machine drives runs, run groups and batches through random
  sequences, checking their invariants after every step.

Normal runs try a few hundred examples per property. A long run sets the total:

    OMICS_MOCK_FUZZ_EXAMPLES=100000 python -m pytest tests/test_fuzz.py -q -s

See docs/reliability.md.
"""

from __future__ import annotations

import collections
import datetime as _dt
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import botocore.parsers
import pytest
import requests
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from botocore.model import ListShape, Shape, StructureShape
from freezegun import freeze_time
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from omics_mock import OmicsMock, mock_omics
from omics_mock.pytest_plugin import omics_client_for
from omics_mock.service import FAMILIES  # noqa: F401 (registers every operation)
from omics_mock.service.kernel.state import OPERATIONS as HANDLED

from .helpers import OUT, ROLE, wdl_zip
from .shape_check import (
    JSON_VALUES,
    InputStrategies,
    Mutation,
    assert_matches_output_shape,
    modelled_errors,
    operation_model,
    operation_names,
    service_model,
)

# -- budget ------------------------------------------------------------------------

TOTAL_EXAMPLES = int(os.environ.get("OMICS_MOCK_FUZZ_EXAMPLES", "0") or 0)
"""0: a normal run. Otherwise the examples to try in total, across the properties."""

NORMAL_EXAMPLES = {"valid": 400, "invalid": 400, "raw": 300, "lifecycle": 25}
LONG_SHARES = {"valid": 0.38, "invalid": 0.38, "raw": 0.2, "lifecycle": 0.04}
"""Share of a long run's total per property (a lifecycle example is ~30 steps)."""


def budget(name: str) -> int:
    if TOTAL_EXAMPLES <= 0:
        return NORMAL_EXAMPLES[name]
    return max(NORMAL_EXAMPLES[name], round(TOTAL_EXAMPLES * LONG_SHARES[name]))


settings.register_profile(
    "omics-mock-fuzz",
    deadline=None,
    database=None,  # nothing written into the repository
    print_blob=True,
    report_multiple_bugs=False,  # a normal run stops at the first failure and shrinks it
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)
settings.register_profile(
    "omics-mock-fuzz-long",
    settings.get_profile("omics-mock-fuzz"),
    # a long run reports every distinct failure it ran into, each shrunk
    report_multiple_bugs=True,
)
PROFILE = settings.get_profile("omics-mock-fuzz-long" if TOTAL_EXAMPLES else "omics-mock-fuzz")

COUNTS: collections.Counter[str] = collections.Counter()
"""Examples actually run, per property (printed at the end of the module)."""
SEEN: collections.Counter[str] = collections.Counter()
"""What the lifecycle machine saw happen (printed in long runs)."""


@pytest.fixture(scope="module", autouse=True)
def report_counts() -> Iterator[None]:
    yield
    total = sum(COUNTS.values())
    parts = ", ".join(f"{name} {count}" for name, count in sorted(COUNTS.items()))
    print(f"\n[omics-mock fuzz] {total} examples run ({parts})")


# -- the model ---------------------------------------------------------------------

MODELLED = modelled_errors()
OPERATIONS = operation_names()
IMPLEMENTED = sorted(set(HANDLED))
SUCCESS_STATUS = {
    name: int(operation_model(name).http.get("responseCode", 200)) for name in OPERATIONS
}
OPERATION_ERRORS = {
    name: {shape.name for shape in operation_model(name).error_shapes} for name in OPERATIONS
}
RUN_STATUSES = frozenset(service_model().shape_for("RunStatus").enum)
ACCOUNT = "123456789012"
SUBSCRIBER = "210987654321"
CACHE_URI = "s3://omics-fuzz-cache/prefix/"
ANALYTICS_REFERENCE = (
    "arn:aws:omics:us-east-1:123456789012:referenceStore/1234567890/reference/1234567890"
)
_NOW = _dt.datetime.now(_dt.timezone.utc)
VPC = {"vpcConfig": {"subnetIds": ["subnet-0a1b2c3d"], "securityGroupIds": ["sg-0123abcd"]}}

RETRIES = {"mode": "standard", "total_max_attempts": 1}
OPERATION_CHOICE = st.one_of(st.sampled_from(IMPLEMENTED), st.sampled_from(OPERATIONS))
"""Every operation, the simulated ones about three times as often as the others."""


# -- calls and their answers -------------------------------------------------------


@dataclass
class Answer:
    """What one call came back with."""

    operation: str
    sent: bool
    """Whether botocore built the request (False: refused client-side)."""
    response: dict[str, Any] | None = None
    code: str | None = None
    status: int | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.sent and self.code is None


class Caller:
    """A boto3 client that tells whether a request was built before a failure."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._built = threading.local()
        client.meta.events.register("request-created.omics", self._mark_built)

    def _mark_built(self, **_: Any) -> None:
        self._built.flag = True

    def __call__(self, operation: str, params: dict[str, Any]) -> Answer:
        self._built.flag = False
        method = getattr(self.client, xform_name(operation))
        try:
            response = method(**params)
        except ClientError as error:
            return Answer(
                operation,
                True,
                code=error.response["Error"]["Code"],
                status=error.response["ResponseMetadata"]["HTTPStatusCode"],
                message=error.response["Error"].get("Message", ""),
            )
        except ParamValidationError as error:
            return Answer(operation, False, code="ParamValidationError", message=str(error))
        except Exception as error:
            if getattr(self._built, "flag", False):
                raise  # the request reached the mock: whatever this is, it is a bug
            return Answer(operation, False, code=type(error).__name__, message=str(error))
        status = response["ResponseMetadata"]["HTTPStatusCode"]
        return Answer(operation, True, response=response, status=status)


def check_answer(answer: Answer) -> None:
    """A success matching the output shape, or a modelled error at its status."""
    operation = answer.operation
    if answer.ok:
        assert answer.response is not None
        assert answer.status == SUCCESS_STATUS[operation], answer
        response = answer.response
        if operation == "GetAnnotationImportJob":  # members the service sends when they exist
            response = {"completionTime": _NOW, "formatOptions": {}, **response}
        assert_matches_output_shape(operation, response)
        return
    assert answer.code in MODELLED, f"unmodelled error {answer.code}: {answer.message}"
    assert answer.status == MODELLED[answer.code], answer
    assert answer.status != 500, answer.message
    if operation in IMPLEMENTED:
        assert answer.code in OPERATION_ERRORS[operation], (
            f"{operation} answered {answer.code}, which its model does not list: {answer.message}"
        )
    else:
        assert answer.code in ("ValidationException", "NotSupportedOperationException"), answer


def check_validation_error(answer: Answer, mutation: Mutation) -> None:
    """The one broken constraint is reported, for the member that breaks it."""
    assert answer.code == "ValidationException", f"{mutation}: {answer}"
    assert "failed to satisfy constraint" in answer.message, answer.message
    assert f"at '{mutation.path[0]}" in answer.message, f"{mutation}: {answer.message}"


# -- the world the fuzzer plays in -------------------------------------------------


@dataclass
class World:
    """An active mock with one of each resource, and pools of values worth reusing."""

    mock: OmicsMock
    validating: Caller
    lenient: Caller
    known: dict[str, list[Any]]
    outcomes: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    mutations: collections.Counter[tuple[str, str, str]] = field(
        default_factory=collections.Counter
    )

    def remember(self, answer: Answer, params: dict[str, Any]) -> None:
        """Add the IDs a success created to the pools; count outcomes."""
        self.outcomes[(answer.operation, answer.code or "OK")] += 1
        if not answer.ok or answer.response is None:
            return
        response = answer.response
        for pool, member in HARVEST.get(answer.operation, ()):
            value = response.get(member, params.get(member))
            if isinstance(value, str):
                self._add(pool, value)
        if answer.operation == "ListRunTasks":
            for item in response.get("items", []):
                self._add("TaskId", item["taskId"])

    def _add(self, pool: str, value: str) -> None:
        values = self.known.setdefault(pool, [])
        if value not in values:
            values.append(value)
            del values[:-40]  # recent ones: old IDs become "unknown IDs" naturally

    def report(self) -> str:
        """What the examples came back with (printed in long runs)."""
        lines = []
        if self.outcomes:
            succeeded = sorted({op for op, code in self.outcomes if code == "OK"})
            codes: collections.Counter[str] = collections.Counter()
            for (_, code), count in self.outcomes.items():
                codes[code] += count
            lines.append(f"  operations that succeeded: {len(succeeded)}: {', '.join(succeeded)}")
            lines.append(f"  answers: {dict(codes.most_common())}")
        if self.mutations:
            kinds: dict[str, collections.Counter[str]] = collections.defaultdict(
                collections.Counter
            )
            for (kind, location, code), count in self.mutations.items():
                kinds[f"{kind}@{location}"][code] += count
            for kind, codes_ in sorted(kinds.items()):
                lines.append(f"  {kind}: {dict(codes_.most_common())}")
        return "\n".join(lines)

    def tick(self, examples: int) -> None:
        """Keep a long run's memory flat: the request log is not needed here."""
        if examples % 500 == 0:
            self.mock.requests.clear()


HARVEST: dict[str, tuple[tuple[str, str], ...]] = {
    "CreateWorkflow": (("WorkflowId", "id"), ("TagArn", "arn"), ("resourceArn", "arn")),
    "StartRun": (("RunId", "id"), ("TagArn", "arn")),
    "CreateRunGroup": (("RunGroupId", "id"), ("TagArn", "arn")),
    "CreateRunCache": (("RunCacheId", "id"), ("NumericIdInArn", "id"), ("TagArn", "arn")),
    "StartRunBatch": (("BatchId", "id"), ("TagArn", "arn")),
    "CreateConfiguration": (("ConfigurationName", "name"), ("TagArn", "arn")),
    "CreateWorkflowVersion": (("WorkflowVersionName", "versionName"), ("TagArn", "arn")),
    "CreateShare": (("shareId", "shareId"),),
    "CreateVariantStore": (("destinationName", "name"),),
    "CreateAnnotationStore": (("destinationName", "name"),),
    "StartVariantImportJob": (("jobId", "jobId"),),
    "StartAnnotationImportJob": (("jobId", "jobId"),),
}


def seed(mock: OmicsMock, client: Any) -> dict[str, list[Any]]:
    """One of each resource, so valid inputs often name something that exists."""
    workflow = client.create_workflow(name="fuzz", definitionZip=wdl_zip())
    client.get_waiter("workflow_active").wait(id=workflow["id"])
    version = client.create_workflow_version(
        workflowId=workflow["id"], versionName="v1", definitionZip=wdl_zip()
    )
    group = client.create_run_group(name="fuzz", maxRuns=5)
    cache = client.create_run_cache(cacheS3Location=CACHE_URI)
    configuration = client.create_configuration(name="fuzz-net", runConfigurations=VPC)
    run = client.start_run(
        workflowId=workflow["id"], roleArn=ROLE, outputUri=OUT, parameters={"sample": "s"}
    )
    batch = client.start_run_batch(
        defaultRunSetting={"workflowId": workflow["id"], "roleArn": ROLE, "outputUri": OUT},
        batchRunSettings={
            "inlineSettings": [
                {"runSettingId": f"r{i}", "parameters": {"sample": f"s{i}"}} for i in range(3)
            ]
        },
    )
    share = client.create_share(
        resourceArn=workflow["arn"], principalSubscriber=SUBSCRIBER, shareName="fuzz"
    )
    mock.settings.analytics.reference_check = "any"
    reference = {"referenceArn": ANALYTICS_REFERENCE}
    client.create_variant_store(name="fuzz_calls", reference=reference)
    client.create_annotation_store(name="fuzz_genes", storeFormat="GFF", reference=reference)
    mock.clock.advance(minutes=10)
    mock.s3.put_object("s3://omics-fuzz-inputs/calls.vcf", b"##fileformat=VCFv4.2\n")
    variant_job = client.start_variant_import_job(
        destinationName="fuzz_calls",
        roleArn=ROLE,
        items=[{"source": "s3://omics-fuzz-inputs/calls.vcf"}],
    )
    tasks = client.list_run_tasks(id=run["id"])["items"]
    arns = [workflow["arn"], version["arn"], group["arn"], cache["arn"], run["arn"], batch["arn"]]
    known = {
        "WorkflowId": [workflow["id"]],
        "WorkflowVersionName": ["v1"],
        "RunGroupId": [group["id"]],
        "RunCacheId": [cache["id"]],
        "NumericIdInArn": [cache["id"]],
        "ConfigurationName": ["fuzz-net"],
        "RunId": [run["id"]],
        "BatchId": [batch["id"]],
        "TaskId": [task["taskId"] for task in tasks],
        "TagArn": arns + [configuration["arn"]],
        "shareId": [share["shareId"]],
        "resourceArn": [workflow["arn"]],
        "principalSubscriber": [SUBSCRIBER],
        "WorkflowOwnerId": [ACCOUNT],
        "definitionZip": [wdl_zip()],
        "parameters": [{"sample": "NA12878"}],
        "outputUri": [OUT],
        "roleArn": [ROLE],
        "cacheS3Location": [CACHE_URI],
        "destinationName": ["fuzz_calls", "fuzz_genes"],
        "jobId": [variant_job["jobId"]],
    }
    known["workflowId"] = known["WorkflowId"]  # the same list: new workflows join both
    return known


@pytest.fixture
def world() -> Iterator[World]:
    with mock_omics() as mock:
        validating = omics_client_for("us-east-1", config=Config(retries=RETRIES))
        lenient = omics_client_for(
            "us-east-1", config=Config(retries=RETRIES, parameter_validation=False)
        )
        known = seed(mock, validating)
        world = World(mock, Caller(validating), Caller(lenient), known)
        yield world
        if TOTAL_EXAMPLES or os.environ.get("OMICS_MOCK_FUZZ_REPORT"):
            print(world.report())


CLOCK_STEPS = st.one_of(st.just(0), st.just(0), st.just(0), st.integers(1, 3600))
"""Most examples leave virtual time alone; some move it (runs and batches progress)."""


# -- properties --------------------------------------------------------------------


def test_valid_inputs_get_a_shaped_success_or_a_modelled_error(world: World) -> None:
    strategies = InputStrategies(world.known)

    @settings(PROFILE, max_examples=budget("valid"))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        COUNTS["valid"] += 1
        world.tick(COUNTS["valid"])
        world.mock.clock.advance(seconds=data.draw(CLOCK_STEPS, label="advance"))
        operation = data.draw(OPERATION_CHOICE, label="operation")
        plausible = data.draw(st.booleans(), label="plausible")
        inputs = strategies.plausible_input if plausible else strategies.valid_input
        params = data.draw(inputs(operation), label="params")
        answer = world.validating(operation, params)
        note(f"answer: {answer}")
        assert answer.sent, f"botocore refused a model-valid input: {answer.message}"
        check_answer(answer)
        if answer.code == "ValidationException":
            assert "failed to satisfy constraint" not in answer.message, answer.message
        world.remember(answer, params)

    check()


def test_broken_inputs_are_validation_errors(world: World) -> None:
    strategies = InputStrategies(world.known)
    breakable = [name for name in OPERATIONS if strategies.can_break_input(name)]
    implemented = [name for name in IMPLEMENTED if name in breakable]
    choice = st.one_of(st.sampled_from(implemented), st.sampled_from(breakable))

    @settings(PROFILE, max_examples=budget("invalid"))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        COUNTS["invalid"] += 1
        world.tick(COUNTS["invalid"])
        operation = data.draw(choice, label="operation")
        params, mutation = data.draw(strategies.invalid_input(operation), label="params")
        note(f"mutation: {mutation}")
        answer = world.lenient(operation, params)
        world.mutations[(mutation.kind, mutation.location, answer.code or "OK")] += 1
        note(f"answer: {answer}")
        if not answer.sent:
            return  # botocore could not even build it (a list where a map goes, ...)
        check_answer(answer)
        if mutation.sent_verbatim:
            check_validation_error(answer, mutation)
        world.remember(answer, params)

    check()


# -- raw HTTP ----------------------------------------------------------------------

HOST = "omics.us-east-1.amazonaws.com"
PARSER = botocore.parsers.create_parser("rest-json")
LABEL_TEXT = st.one_of(
    st.text(max_size=24),
    st.text(alphabet="0123456789", min_size=1, max_size=20),
    st.sampled_from(["1234567", "arn:aws:omics:us-east-1:123456789012:run/1234567", "v1"]),
)
BODIES = st.one_of(
    st.none(),
    st.just(b""),
    st.binary(max_size=40),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


@dataclass(frozen=True)
class RawRequest:
    operation: str
    method: str
    path: str
    query: str
    body: bytes | None
    labels_empty: bool

    @property
    def url(self) -> str:
        prefix = operation_model(self.operation).endpoint.get("hostPrefix", "") or ""
        return f"https://{prefix}{HOST}{self.path}" + (f"?{self.query}" if self.query else "")


@st.composite
def raw_requests(draw: st.DrawFn, strategies: InputStrategies) -> RawRequest:
    """A request aimed at one operation with any label text, query and body."""
    operation = draw(OPERATION_CHOICE, label="operation")
    model = operation_model(operation)
    shape = model.input_shape
    members = shape.members if isinstance(shape, StructureShape) else {}
    path = model.http["requestUri"].split("?")[0]
    empty = False
    for name, member in members.items():
        if member.serialization.get("location") != "uri":
            continue
        wire = member.serialization.get("name", name)
        text = draw(LABEL_TEXT | strategies.valid(member, name), label=name)
        empty = empty or not text
        safe = "/~" if "{" + wire + "+}" in path else "~"
        # dots encoded too: URL parsers drop "." and ".." segments
        encoded = quote(text.encode("utf-8", "surrogatepass"), safe=safe).replace(".", "%2E")
        path = path.replace("{" + wire + "+}", encoded).replace("{" + wire + "}", encoded)
    query: list[tuple[str, str]] = []
    for name, member in members.items():
        if member.serialization.get("location") == "querystring" and draw(st.booleans()):
            wire = member.serialization.get("name", name)
            texts = st.lists(_query_text(strategies, member), min_size=1, max_size=2)
            for value in draw(texts, label=name):
                query.append((wire, value))
    body_members = {n: m for n, m in members.items() if "location" not in m.serialization}
    body = draw(
        st.one_of(BODIES, _json_bodies(strategies, body_members)) if body_members else BODIES,
        label="body",
    )
    return RawRequest(operation, model.http["method"], path, urlencode(query), body, empty)


def _query_text(strategies: InputStrategies, member: Shape) -> st.SearchStrategy[str]:
    """Any text, or the text of a valid value."""
    item = member.member if isinstance(member, ListShape) else member
    junk = st.one_of(st.text(max_size=12), st.integers(-5, 200).map(str), st.just("true"))
    if item.type_name in ("string", "integer", "long", "boolean"):
        valid = strategies.valid(item).map(
            lambda v: str(v).lower() if isinstance(v, bool) else str(v)
        )
        return st.one_of(junk, valid)
    return junk


def _json_bodies(
    strategies: InputStrategies, members: dict[str, Shape]
) -> st.SearchStrategy[bytes]:
    """JSON objects over the body members: valid values, or any JSON value in their place."""
    values = {
        name: st.one_of(JSON_VALUES, strategies.valid(member, name).map(_jsonable))
        for name, member in members.items()
    }
    return st.fixed_dictionaries({}, optional=values).map(lambda v: json.dumps(v).encode())


def _jsonable(value: Any) -> Any:
    """A valid Python input value as botocore would put it in a JSON body."""
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode()
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def check_raw_answer(request: RawRequest, response: requests.Response) -> None:
    status = response.status_code
    assert status != 500, response.text
    if status >= 300:
        code = response.headers.get("x-amzn-errortype")
        if code == "UnknownOperationException":
            assert request.labels_empty and status == 404, (request, response.text)
            return
        assert code in MODELLED, (request, code, response.text)
        assert status == MODELLED[code], (request, status, code)
        assert isinstance(response.json()["message"], str)
        return
    if request.labels_empty:
        return  # an empty label may route to another operation (GET /run/ lists runs)
    operation = request.operation
    assert status == SUCCESS_STATUS[operation], (request, status)
    model = operation_model(operation)
    if model.output_shape is None:
        assert response.content == b""
        return
    parsed = PARSER.parse(
        {
            "status_code": status,
            "headers": dict(response.headers),
            "body": response.content,
        },
        model.output_shape,
    )
    parsed.pop("ResponseMetadata", None)
    assert_matches_output_shape(operation, parsed)


def test_raw_http_requests_get_modelled_answers(world: World) -> None:
    strategies = InputStrategies(world.known)
    session = requests.Session()
    headers_choice = st.sampled_from(
        [{}, {"content-type": "application/json"}, {"Content-Type": "text/plain"}]
    )

    @settings(PROFILE, max_examples=budget("raw"))
    @given(request=raw_requests(strategies), headers=headers_choice)
    def check(request: RawRequest, headers: dict[str, str]) -> None:
        COUNTS["raw"] += 1
        world.tick(COUNTS["raw"])
        response = session.request(
            request.method, request.url, data=request.body, headers=headers, timeout=5
        )
        check_raw_answer(request, response)

    check()


# -- run lifecycles ----------------------------------------------------------------

ACTIVE_RUN = frozenset({"STARTING", "RUNNING", "STOPPING"})
"""Statuses that hold a run group's capacity."""
TERMINAL_RUN = frozenset({"COMPLETED", "FAILED", "CANCELLED"})
RUN_ORDER = {"PENDING": 0, "STARTING": 1, "RUNNING": 2, "STOPPING": 3}
RUN_SUMMARY = {
    "PENDING": "pendingRunCount",
    "STARTING": "startingRunCount",
    "RUNNING": "runningRunCount",
    "STOPPING": "stoppingRunCount",
    "COMPLETED": "completedRunCount",
    "FAILED": "failedRunCount",
    "CANCELLED": "cancelledRunCount",
}


def _rank(status: str) -> int:
    return RUN_ORDER.get(status, 4)


@dataclass
class RunModel:
    group: str | None = None
    batch: str | None = None
    deleted: bool = False
    maybe_deleted: bool = False
    """Its batch's runs were deleted by DeleteRunBatch (asynchronously)."""
    status: str = "PENDING"


@dataclass
class GroupModel:
    max_runs: int
    allowance: int
    """Most active runs the group may hold now (above ``max_runs`` only while runs
    admitted under a higher limit are still active)."""


@dataclass
class BatchModel:
    group: str | None
    deleted: bool = False


class LifecycleContext:
    """One mock and one client per test; each example plays in a fresh account."""

    def __init__(self, mock: OmicsMock) -> None:
        self.mock = mock
        self.accounts = 0
        self.client_config = Config(retries=RETRIES)

    def new_account(self) -> tuple[str, Any]:
        self.accounts += 1
        account = f"{900000000000 + self.accounts:012d}"
        client = omics_client_for(
            "us-east-1",
            config=self.client_config,
            aws_access_key_id=account,  # a 12-digit access key acts as that account
            aws_secret_access_key="fuzz",
        )
        return account, client


CONTEXT: dict[str, LifecycleContext] = {}


class RunLifecycles(RuleBasedStateMachine):
    """Random sequences over workflows, runs, run groups and batches."""

    workflows = Bundle("workflows")
    runs = Bundle("runs")
    groups = Bundle("groups")
    batches = Bundle("batches")

    def __init__(self) -> None:
        super().__init__()
        context = CONTEXT["current"]
        self.mock = context.mock
        self.account, client = context.new_account()
        self.call = Caller(client)
        self.model_runs: dict[str, RunModel] = {}
        self.model_groups: dict[str, GroupModel] = {}
        self.model_batches: dict[str, BatchModel] = {}
        COUNTS["lifecycle"] += 1

    # -- helpers ---------------------------------------------------------------------

    def ok(self, operation: str, **params: Any) -> dict[str, Any]:
        answer = self.checked(operation, **params)
        assert answer.ok, answer
        assert answer.response is not None
        return answer.response

    def checked(self, operation: str, **params: Any) -> Answer:
        answer = self.call(operation, params)
        assert answer.sent, answer
        check_answer(answer)
        return answer

    def listed(self, **filters: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        token = None
        while True:
            page = self.ok("ListRuns", maxResults=100, **filters, **_token(token))
            items.extend(page["items"])
            token = page.get("nextToken")
            if token is None:
                return items

    def observe(self, run_id: str, status: str) -> None:
        """Statuses only move forward; a terminal status never changes."""
        model = self.model_runs[run_id]
        assert status in RUN_STATUSES, status
        if model.status in TERMINAL_RUN:
            assert status == model.status, f"run {run_id}: {model.status} -> {status}"
        else:
            assert _rank(status) >= _rank(model.status), f"run {run_id}: {model.status} -> {status}"
        model.status = status
        SEEN[f"run {status}"] += 1

    # -- rules -----------------------------------------------------------------------

    @initialize(target=workflows)
    def create_workflow(self) -> str:
        created = self.ok("CreateWorkflow", name="wf", definitionZip=wdl_zip())
        self.mock.clock.advance(seconds=1)
        assert self.ok("GetWorkflow", id=created["id"])["status"] == "ACTIVE"
        return str(created["id"])

    @rule(
        target=runs,
        workflow=workflows,
        priority=st.integers(0, 100000),
        retention=st.sampled_from(["RETAIN", "REMOVE"]),
    )
    def start_run(self, workflow: str, priority: int, retention: str) -> str:
        return self._start(workflow, None, priority, retention)

    @rule(target=runs, workflow=workflows, group=groups, priority=st.integers(0, 3))
    def start_run_in_group(self, workflow: str, group: str, priority: int) -> str:
        return self._start(workflow, group, priority, "RETAIN")

    def _start(self, workflow: str, group: str | None, priority: int, retention: str) -> str:
        params: dict[str, Any] = {
            "workflowId": workflow,
            "roleArn": ROLE,
            "outputUri": OUT,
            "parameters": {"sample": "s"},
            "priority": priority,
            "retentionMode": retention,
        }
        if group is not None:
            params["runGroupId"] = group
        run = self.ok("StartRun", **params)
        assert run["status"] == "PENDING"
        self.model_runs[run["id"]] = RunModel(group=group)
        return str(run["id"])

    @rule(
        target=runs,
        workflow=workflows,
        group=groups,
        priorities=st.lists(st.integers(0, 3), min_size=2, max_size=4),
    )
    def start_runs_in_group(self, workflow: str, group: str, priorities: list[int]) -> Any:
        """Several runs at once, so the group's limit has something to hold back."""
        return multiple(*(self._start(workflow, group, p, "RETAIN") for p in priorities))

    @rule(seconds=st.sampled_from([1, 3, 5, 10, 20, 30, 60, 120, 600]))
    def advance_clock(self, seconds: int) -> None:
        self.mock.clock.advance(seconds=seconds)

    @rule(run=runs)
    def get_run(self, run: str) -> None:
        model = self.model_runs[run]
        answer = self.checked("GetRun", id=run)
        if model.deleted:
            assert answer.code == "ResourceNotFoundException", answer
        elif answer.code == "ResourceNotFoundException":
            assert model.maybe_deleted, f"run {run} vanished"
            model.deleted = True
        else:
            assert answer.ok, answer
            assert answer.response is not None
            self.observe(run, answer.response["status"])

    @rule(run=runs)
    def cancel_run(self, run: str) -> None:
        model = self.model_runs[run]
        answer = self.checked("CancelRun", id=run)
        if answer.code == "ResourceNotFoundException":
            assert model.deleted or model.maybe_deleted, answer
            model.deleted = True
            return
        after = self.ok("GetRun", id=run)["status"]
        SEEN[f"CancelRun {answer.code or 'OK'} ({model.status})"] += 1
        if answer.ok:
            assert model.status not in TERMINAL_RUN, (model.status, answer)
            assert after in ("STOPPING", "CANCELLED"), after
        else:
            assert answer.code == "ConflictException", answer
            assert after in TERMINAL_RUN, after
        self.observe(run, after)

    @rule(run=runs)
    def delete_run(self, run: str) -> None:
        model = self.model_runs[run]
        answer = self.checked("DeleteRun", id=run)
        SEEN[f"DeleteRun {answer.code or 'OK'}"] += 1
        if answer.ok:
            assert not model.deleted
            model.deleted = True
            assert self.checked("GetRun", id=run).code == "ResourceNotFoundException"
        elif answer.code == "ResourceNotFoundException":
            assert model.deleted or model.maybe_deleted, answer
            model.deleted = True
        else:
            assert answer.code == "ConflictException", answer
            self.observe(run, self.ok("GetRun", id=run)["status"])
            assert model.status not in TERMINAL_RUN, model.status

    @rule(run=runs, failure=st.booleans())
    def force_outcome(self, run: str, failure: bool) -> None:
        model = self.model_runs[run]
        try:
            if failure:
                self.mock.runs.fail(run, reason="OutOfMemory", account_id=self.account)
            else:
                self.mock.runs.complete(run, account_id=self.account)
        except KeyError:
            assert model.deleted or model.maybe_deleted, f"run {run} vanished"
            model.deleted = True
            return
        except ValueError:  # already ended
            status = self.ok("GetRun", id=run)["status"]
            assert status in TERMINAL_RUN, status
            self.observe(run, status)
            return
        status = self.ok("GetRun", id=run)["status"]
        assert status == ("FAILED" if failure else "COMPLETED"), status
        self.observe(run, status)

    @rule(target=groups, max_runs=st.integers(1, 3))
    def create_run_group(self, max_runs: int) -> str:
        group = self.ok("CreateRunGroup", maxRuns=max_runs)["id"]
        self.model_groups[group] = GroupModel(max_runs, max_runs)
        return str(group)

    @rule(group=groups, max_runs=st.integers(1, 4))
    def update_run_group(self, group: str, max_runs: int) -> None:
        model = self.model_groups[group]
        active = self._active_in(group)
        self.ok("UpdateRunGroup", id=group, maxRuns=max_runs)
        model.max_runs = max_runs
        model.allowance = max(max_runs, active)
        got = self.ok("GetRunGroup", id=group)
        assert got["maxRuns"] == max_runs

    @rule(
        target=batches,
        workflow=workflows,
        size=st.integers(1, 4),
        group=st.none() | groups,
    )
    def start_batch(self, workflow: str, size: int, group: str | None) -> str:
        default: dict[str, Any] = {"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT}
        if group is not None:
            default["runGroupId"] = group
        batch = self.ok(
            "StartRunBatch",
            defaultRunSetting=default,
            batchRunSettings={
                "inlineSettings": [
                    {"runSettingId": f"s{i}", "parameters": {"sample": f"{i}"}} for i in range(size)
                ]
            },
        )
        self.model_batches[batch["id"]] = BatchModel(group)
        return str(batch["id"])

    @rule(batch=batches)
    def cancel_batch(self, batch: str) -> None:
        answer = self.checked("CancelRunBatch", batchId=batch)
        self._batch_answer(batch, answer)

    @rule(batch=batches)
    def delete_run_batch(self, batch: str) -> None:
        answer = self.checked("DeleteRunBatch", batchId=batch)
        self._batch_answer(batch, answer)
        if answer.ok:
            for model in self.model_runs.values():
                if model.batch == batch:
                    model.maybe_deleted = True

    @rule(batch=consumes(batches))
    def delete_batch(self, batch: str) -> None:
        answer = self.checked("DeleteBatch", batchId=batch)
        self._batch_answer(batch, answer)
        if answer.ok:
            self.model_batches[batch].deleted = True
            assert self.checked("GetBatch", batchId=batch).code == "ResourceNotFoundException"

    def _batch_answer(self, batch: str, answer: Answer) -> None:
        SEEN[f"{answer.operation} {answer.code or 'OK'}"] += 1
        if self.model_batches[batch].deleted:
            assert answer.code == "ResourceNotFoundException", answer
        else:
            assert answer.ok or answer.code == "ConflictException", answer

    @rule(batch=batches)
    def check_batch(self, batch: str) -> None:
        """runSummary adds up to the started runs and matches ListRuns(batchId)."""
        model = self.model_batches[batch]
        answer = self.checked("GetBatch", batchId=batch)
        if model.deleted:
            assert answer.code == "ResourceNotFoundException", answer
            return
        assert answer.ok and answer.response is not None, answer
        got = answer.response
        summary, submissions = got["runSummary"], got["submissionSummary"]
        started = submissions["successfulStartSubmissionCount"]
        assert sum(summary.values()) == started, got
        listed = self.listed(batchId=batch)
        counts = collections.Counter(item["status"] for item in listed)
        for status, member in RUN_SUMMARY.items():
            assert summary[member] == counts.get(status, 0), (status, summary, counts)
        assert summary["deletedRunCount"] == started - len(listed), (summary, len(listed))
        SEEN[f"GetBatch {got['status']}"] += 1
        for item in listed:
            run = self.model_runs.setdefault(item["id"], RunModel(group=model.group))
            run.batch = batch
            self.observe(item["id"], item["status"])

    @rule()
    def listed_runs_exist(self) -> None:
        """No run is both listed and 404."""
        for item in self.listed():
            answer = self.checked("GetRun", id=item["id"])
            assert answer.ok, f"listed run {item['id']} answers {answer.code}"

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def listed_runs_are_consistent(self) -> None:
        listed = {item["id"]: item for item in self.listed()}
        for run_id, item in listed.items():
            assert item["status"] in RUN_STATUSES, item
            model = self.model_runs.get(run_id)
            if model is None:  # a batch run not seen yet
                model = self.model_runs[run_id] = RunModel(batch=item.get("batchId"))
            assert not model.deleted, f"deleted run {run_id} is listed"
            self.observe(run_id, item["status"])
        for run_id, model in self.model_runs.items():
            if not model.deleted and run_id not in listed:
                assert model.maybe_deleted, f"run {run_id} is no longer listed"
                model.deleted = True
        for group_id, group in self.model_groups.items():
            active = self._active_in(group_id)
            assert active <= group.allowance, (group_id, active, group)
            SEEN[f"group active {active} of maxRuns {group.max_runs}"] += 1
            group.allowance = max(group.max_runs, active)

    def _active_in(self, group: str) -> int:
        return sum(1 for item in self.listed(runGroupId=group) if item["status"] in ACTIVE_RUN)


def _token(token: str | None) -> dict[str, str]:
    return {} if token is None else {"startingToken": token}


def test_run_lifecycles_keep_their_invariants() -> None:
    with freeze_time("2026-03-01T12:00:00Z"), mock_omics() as mock:
        mock.runs.set_durations(pending=5, starting=20, running=60, stopping=10)
        mock.settings.quotas.start_run_tps = 2
        CONTEXT["current"] = LifecycleContext(mock)
        try:
            run_state_machine_as_test(
                RunLifecycles,
                settings=settings(
                    PROFILE,
                    max_examples=budget("lifecycle"),
                    stateful_step_count=30,
                ),
            )
        finally:
            CONTEXT.pop("current", None)
        if TOTAL_EXAMPLES or os.environ.get("OMICS_MOCK_FUZZ_REPORT"):
            for what, count in sorted(SEEN.items()):
                print(f"  {what}: {count}")
