"""Fuzzing the in-process control API: random calls, then the mock must still answer.

Each example starts a fresh ``mock_omics()``, creates a workflow and three runs
(one pending, one held in RUNNING, one completed), then makes one to eight
control calls drawn at random: ``m.clock.advance``, every ``m.runs`` steering
call, ``m.settings`` assignments (known and misspelt names), ``m.faults.inject``,
``m.accounts.map`` and ``m.s3.put_object``, with arguments that are plausible
(live run and workflow IDs, small numbers, valid outcomes) or not (unknown IDs,
ints for strings, huge numbers, NaN and infinities, negative durations, any
text, lists, dicts).

Properties:

* every call either returns or raises ``ValueError``, ``TypeError``, ``KeyError``
  or ``AttributeError`` with a message; nothing else escapes;
* afterwards (injected faults cleared: they are meant to fail calls) CreateWorkflow,
  GetWorkflow, StartRun, GetRun, ListRunTasks and ListRuns through a real boto3 client each
  answer a success shaped like the operation's output or a modelled error at
  its modelled status, never a 500; virtual time can still be read and moved;
* no simulated event raised (``m.simulation_failures()`` is empty).

Normal runs try 200 examples; ``OMICS_MOCK_CONTROL_FUZZ_EXAMPLES`` sets another
number. See docs/reliability.md.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as _dt
import os
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.config import Config
from hypothesis import given, note, settings
from hypothesis import strategies as st

from omics_mock import Durations, OmicsMock, Quotas, RunTiming, Settings, mock_omics
from omics_mock.pytest_plugin import omics_client_for

from .helpers import OUT, ROLE, wdl_zip
from .test_fuzz import PROFILE, RETRIES, RUN_STATUSES, Answer, Caller, check_answer

EXAMPLES = int(os.environ.get("OMICS_MOCK_CONTROL_FUZZ_EXAMPLES", "200") or 200)
REFUSALS = (ValueError, TypeError, KeyError, AttributeError)
COUNTS: collections.Counter[str] = collections.Counter()
"""Calls made, and how they ended (printed at the end of the module)."""

CALLER = Caller(omics_client_for("us-east-1", config=Config(retries=RETRIES)))
"""Made outside any mock, so it is answered by whichever mock is active."""


@pytest.fixture(scope="module", autouse=True)
def report_counts() -> Iterator[None]:
    yield
    accepted = sum(n for key, n in COUNTS.items() if key.endswith(": ok"))
    refused = sum(n for key, n in COUNTS.items() if not key.endswith(": ok"))
    print(f"\n[omics-mock control fuzz] {accepted} calls accepted, {refused} refused")
    if os.environ.get("OMICS_MOCK_FUZZ_REPORT"):
        for key, count in sorted(COUNTS.items()):
            print(f"  {key}: {count}")


# -- the world each example starts from ---------------------------------------------------


@dataclass
class World:
    """A fresh mock with a workflow and a pending, a running and a completed run."""

    mock: OmicsMock
    workflow: str
    runs: list[str]


def seed(mock: OmicsMock) -> World:
    client = CALLER.client
    workflow = client.create_workflow(name="fuzz", definitionZip=wdl_zip())["id"]
    mock.clock.advance(seconds=1)
    runs = [start_run(client, workflow) for _ in range(3)]
    mock.runs.keep_running(runs[1])
    mock.clock.advance(minutes=5)
    mock.runs.complete(runs[2])
    runs.append(start_run(client, workflow))
    return World(mock, workflow, runs)


def start_run(client: Any, workflow: str) -> str:
    run = client.start_run(
        workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "s"}
    )
    return str(run["id"])


# -- values ----------------------------------------------------------------------------------

HUGE = [10**400, 2**63, -(2**63), 1e308, -1e308, float("inf"), float("-inf"), float("nan")]
WEIRD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(HUGE),
    st.floats(),
    st.text(max_size=12),
    st.binary(max_size=8),
    st.timedeltas(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.tuples(st.text(max_size=6), st.text(max_size=6)),
)
"""Anything: wrong types, huge numbers, NaN and infinities, empty text."""

# Plausible values: the right type, mostly in range, sometimes just out of it.
SECONDS = st.one_of(
    st.just(0), st.integers(0, 3600), st.floats(0, 1e6), st.floats(0, 4e9), st.integers(-10, -1)
)
DURATION = st.one_of(SECONDS, st.timedeltas(max_value=_dt.timedelta(days=40_000)))
OPTIONAL_DURATION = st.one_of(st.none(), DURATION)
COUNT = st.one_of(st.integers(0, 5), st.integers(0, 10**30), st.integers(-5, -1))
RATE = st.one_of(st.floats(0.0005, 1000), st.integers(0, 100))
FLAG = st.booleans()
TEXT = st.text(min_size=1, max_size=70)
MESSAGE = st.one_of(st.none(), TEXT)
REASON = st.one_of(st.sampled_from(["OutOfMemory", "SERVICE_ERROR"]), TEXT)
STATUS = st.sampled_from(["COMPLETED", "FAILED", "FAILED", "CANCELLED", "BOGUS", "failed", ""])
OUTCOME = st.one_of(
    st.sampled_from(["COMPLETED", "FAILED"]),
    STATUS,
    st.tuples(st.just("FAILED"), REASON),
    st.tuples(STATUS, REASON, MESSAGE),
    st.lists(STATUS, max_size=2),
)
OUTCOMES = st.lists(OUTCOME, max_size=3)
MODE = st.sampled_from(["time", "per_poll", "fast"])
OPERATION = st.one_of(
    st.sampled_from(["StartRun", "GetRun", "ListRuns", "CreateWorkflow", "GetWorkflow"]), TEXT
)
ERROR = st.one_of(
    st.sampled_from(["ThrottlingException", "InternalServerException", "ValidationException"]),
    TEXT,
)
ACCESS_KEY = st.one_of(st.just("AKIAOMICSMOCK0000000"), TEXT)
ACCOUNT = st.one_of(
    st.sampled_from(["111122223333", "123456789012"]),
    st.from_regex(r"\d{12}", fullmatch=True),
    st.from_regex(r"\d{1,14}", fullmatch=True),
)
S3_URI = st.one_of(
    st.sampled_from(["s3://omics-fuzz/in.fastq", "s3://omics-fuzz/", "s3://b", "http://b/k"]),
    st.builds(lambda key: f"s3://omics-fuzz/{key}", st.text(max_size=20)),
)
DATA = st.one_of(st.binary(max_size=64), st.text(max_size=64))
ETAG = st.one_of(st.none(), TEXT)
UNITS = ("days", "hours", "minutes", "seconds")
PHASES = ("pending", "starting", "running", "stopping", "task")


def setting_paths() -> dict[str, Any]:
    """Every settings field by dotted path, with its type."""
    paths: dict[str, Any] = {}

    def walk(prefix: str, cls: type) -> None:
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            paths[prefix + field.name] = hints[field.name]
            if dataclasses.is_dataclass(hints[field.name]):
                walk(f"{prefix}{field.name}.", hints[field.name])

    walk("", Settings)
    return paths


SETTING_PATHS = setting_paths()
SETTING_VALUES: dict[Any, st.SearchStrategy[Any]] = {
    int: COUNT,
    float: RATE,
    bool: FLAG,
    str: st.sampled_from(["STATIC", "DYNAMIC", "111122223333", "dynamic", "1234"]),
    _dt.timedelta: DURATION,
    _dt.timedelta | None: OPTIONAL_DURATION,
    Durations: st.builds(Durations),
    Quotas: st.builds(Quotas, max_runs=st.integers(0, 10)),
    RunTiming: st.builds(RunTiming, pending=SECONDS.filter(lambda s: s >= 0)),
}


# -- calls -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One drawn control call."""

    name: str
    """What is called (``runs.fail``, ``settings.quotas.max_runs``), for the counts."""
    shown: str
    """The call with its arguments, for failure reports."""
    make: Callable[[OmicsMock], Any]


def call(name: str, function: Callable[..., Any], **arguments: Any) -> st.SearchStrategy[Call]:
    """``function(mock, **drawn)``: plausible arguments (three times in four), or one of
    them anything at all."""
    plausible = st.fixed_dictionaries(arguments)
    one_weird = st.sampled_from(sorted(arguments)).flatmap(
        lambda broken: st.fixed_dictionaries({**arguments, broken: WEIRD})
    )
    return st.one_of(plausible, plausible, plausible, one_weird).map(
        lambda drawn: Call(name, f"{name}(**{drawn!r})", lambda m: function(m, **drawn))
    )


def control_call(world: World) -> st.SearchStrategy[Call]:
    """One control call with drawn arguments."""
    # Finite choices: hypothesis favours fresh values, and an infinite branch (any
    # integer) would crowd out the live IDs.
    run_id = st.sampled_from(world.runs * 3 + ["1234567", "0", "", 1234567, -1])
    workflow_id = st.sampled_from([world.workflow, "7654321"])
    units = {unit: st.one_of(st.just(0), SECONDS) for unit in UNITS}
    durations = {phase: OPTIONAL_DURATION for phase in PHASES}
    return st.one_of(
        call("clock.advance", advance, delta=OPTIONAL_DURATION, **units),
        call("runs.complete", complete, run_id=run_id, immediately=FLAG),
        call("runs.fail", fail, run_id=run_id, reason=REASON, message=MESSAGE, immediately=FLAG),
        call("runs.keep_running", keep_running, run_id=run_id),
        call("runs.release", release, run_id=run_id),
        call(
            "runs.set_durations",
            set_durations,
            workflow_id=st.one_of(st.none(), workflow_id),
            run_id=st.one_of(st.none(), run_id),
            **durations,
        ),
        call("runs.set_outcome", set_outcome, run_id=run_id, outcome=OUTCOME),
        call("runs.script", script, workflow_id=workflow_id, outcomes=OUTCOMES),
        call("runs.set_default_outcome", set_default_outcome, outcome=OUTCOME),
        call("runs.progress", set_progress, mode=MODE),
        setting_assignment(),
        call(
            "faults.inject", inject, operation=OPERATION, error=ERROR, times=COUNT, message=MESSAGE
        ),
        call("accounts.map", map_account, access_key_id=ACCESS_KEY, account_id=ACCOUNT),
        call("s3.put_object", put_object, uri=S3_URI, data=DATA, etag=ETAG),
    )


def advance(mock: OmicsMock, delta: Any, **units: Any) -> Any:
    return mock.clock.advance(delta, **units)


def complete(mock: OmicsMock, **arguments: Any) -> Any:
    return mock.runs.complete(**arguments)


def fail(mock: OmicsMock, **arguments: Any) -> Any:
    return mock.runs.fail(**arguments)


def keep_running(mock: OmicsMock, run_id: Any) -> Any:
    return mock.runs.keep_running(run_id)


def release(mock: OmicsMock, run_id: Any) -> Any:
    return mock.runs.release(run_id)


def set_durations(mock: OmicsMock, **arguments: Any) -> Any:
    return mock.runs.set_durations(**arguments)


def set_outcome(mock: OmicsMock, run_id: Any, outcome: Any) -> Any:
    return mock.runs.set_outcome(run_id, outcome)


def script(mock: OmicsMock, workflow_id: Any, outcomes: Any) -> Any:
    return mock.runs.script(workflow_id, outcomes)


def set_default_outcome(mock: OmicsMock, outcome: Any) -> Any:
    return mock.runs.set_default_outcome(outcome)


def set_progress(mock: OmicsMock, mode: Any) -> None:
    mock.runs.progress = mode


def inject(mock: OmicsMock, **arguments: Any) -> Any:
    return mock.faults.inject(**arguments)


def map_account(mock: OmicsMock, access_key_id: Any, account_id: Any) -> Any:
    return mock.accounts.map(access_key_id, account_id)


def put_object(mock: OmicsMock, **arguments: Any) -> Any:
    return mock.s3.put_object(**arguments)


def setting_assignment() -> st.SearchStrategy[Call]:
    """``m.settings.<path> = value``: every setting, and misspelt ones."""
    known = sorted(SETTING_PATHS)
    misspelt = st.sampled_from(known).map(lambda path: path[:-1] + "x")
    return st.one_of(st.sampled_from(known), misspelt).flatmap(
        lambda path: st.one_of(SETTING_VALUES.get(SETTING_PATHS.get(path), COUNT), WEIRD).map(
            lambda value: Call(
                f"settings.{path}", f"settings.{path} = {value!r}", lambda m: assign(m, path, value)
            )
        )
    )


def assign(mock: OmicsMock, path: str, value: Any) -> None:
    *parents, name = path.split(".")
    target: Any = mock.settings
    for parent in parents:
        target = getattr(target, parent)
    setattr(target, name, value)


def make(mock: OmicsMock, drawn: Call) -> str:
    """Make one call; returns how it ended. Anything but a clear refusal fails the test."""
    try:
        drawn.make(mock)
    except REFUSALS as error:
        assert str(error).strip(), f"{drawn.shown}: {type(error).__name__} without a message"
        COUNTS[f"{drawn.name}: {type(error).__name__}"] += 1
        return type(error).__name__
    COUNTS[f"{drawn.name}: ok"] += 1
    return "ok"


# -- after the calls -------------------------------------------------------------------------


def answered(operation: str, **params: Any) -> Answer:
    answer = CALLER(operation, params)
    note(f"{operation}: {answer.code or 'OK'} {answer.message[:200]}")
    assert answer.sent, answer
    check_answer(answer)
    return answer


def assert_still_answering(mock: OmicsMock, world: World) -> None:
    """The usual calls answer as the model says; time can still be read and moved."""
    mock.faults.clear()
    now = mock.clock.now()
    try:
        mock.clock.advance(seconds=1)
    except ValueError:  # the clock may have been taken to the latest time it reaches
        assert mock.clock.now() >= now
    created = answered("CreateWorkflow", name="after", definitionZip=wdl_zip())
    if created.ok:
        assert created.response is not None
        answered("GetWorkflow", id=created.response["id"])
    started = answered(
        "StartRun",
        workflowId=world.workflow,
        roleArn=ROLE,
        outputUri=OUT,
        parameters={"sample": "after"},
    )
    for run_id in world.runs + ([started.response["id"]] if started.response else []):
        got = answered("GetRun", id=run_id)
        if got.ok:
            assert got.response is not None and got.response["status"] in RUN_STATUSES
            answered("ListRunTasks", id=run_id)
    listed = answered("ListRuns")
    assert listed.ok, listed
    assert mock.simulation_failures() == []


@settings(PROFILE, max_examples=EXAMPLES)
@given(data=st.data())
def test_control_calls_are_accepted_or_refused_and_the_mock_keeps_answering(
    data: st.DataObject,
) -> None:
    with mock_omics() as mock:
        world = seed(mock)
        calls = data.draw(st.lists(control_call(world), min_size=1, max_size=8), label="calls")
        for drawn in calls:
            note(f"{drawn.shown} -> {make(mock, drawn)}")
        assert_still_answering(mock, world)
