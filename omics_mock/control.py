"""The control API: what tests can do that the AWS API cannot.

Reached from the mock object (``with mock_omics() as m``), or from the
``omics_mock`` fixture of the pytest plugin:

* ``m.clock``: virtual time (``advance``, ``now``);
* ``m.settings``: phase durations and quotas (``m.settings.quotas.max_workflows = 5``);
* ``m.faults``: answer an operation with an error N times;
* ``m.requests``: the log of the latest requests answered;
* ``m.accounts``: map access keys to accounts;
* ``m.s3``: objects that S3 URIs in requests can point at, without moto;
* ``m.ready2run``: the READY2RUN catalogue;
* ``m.runs``: force run outcomes, script them per workflow, set durations,
  switch to per-poll progress;
* ``m.backend(account, region)``: the raw state, for inspection.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .backend import checks
from .backend.clock import VirtualClock
from .backend.environment import Fault
from .backend.ready2run import Ready2RunEntry
from .backend.request_log import RequestLog, RequestRecord
from .backend.run_model import Outcome, Run, check_failure_reason, check_status_message
from .backend.settings import RunTiming, Settings
from .protocol.errors import ERRORS_BY_CODE, ServiceError

if TYPE_CHECKING:
    from .backend.base import OmicsBackend
    from .backend.environment import Environment
    from .backend.workflow_model import Workflow


class Faults:
    """Injected errors: ``inject("StartRun", "ThrottlingException", times=2)``."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def inject(
        self,
        operation: str,
        error: str = "InternalServerException",
        *,
        times: int = 1,
        message: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``operation`` with ``error``.

        ``error`` is a modelled exception name, e.g. ``ThrottlingException``,
        ``InternalServerException``, ``RequestTimeoutException``. Remember that
        botocore retries throttling and 5xx errors (its back-off sleeps are
        virtual while the mock is active).
        """
        checks.text("operation", operation)
        checks.text("error", error)
        if error not in ERRORS_BY_CODE:
            raise ValueError(
                f"{error} is not a HealthOmics exception; use one of {sorted(ERRORS_BY_CODE)}"
            )
        checks.at_least(1)("times", checks.whole("times", times))
        environment = self._control.environment
        if operation not in environment.operation_names():
            raise ValueError(f"{operation} is not a HealthOmics operation")
        text = checks.optional_text("message", message)
        text = text or f"Injected {error} for {operation} by omics-mock."
        environment.faults.setdefault(operation, []).append(Fault(operation, error, text, times))

    def clear(self) -> None:
        self._control.environment.faults.clear()

    def pending(self) -> list[Fault]:
        return [fault for queue in self._control.environment.faults.values() for fault in queue]


class Accounts:
    """Which account each access key acts as (see ``docs/accounts.md``)."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def map(self, access_key_id: str, account_id: str) -> None:
        """Requests signed with ``access_key_id`` act as ``account_id`` (12 digits)."""
        checks.text("access_key_id", access_key_id)
        checks.account_id("account_id", account_id)
        self._control.environment.access_keys[access_key_id] = account_id

    @property
    def default(self) -> str:
        return self._control.environment.settings.default_account_id


class S3Objects:
    """Objects that S3 URIs in requests resolve to, when moto is not in use."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def put_object(self, uri: str, data: bytes | str, etag: str | None = None) -> str:
        """Register ``data`` at ``s3://bucket/key``; returns its ETag."""
        import hashlib

        location = _s3_location(uri)
        raw = _object_bytes(data)
        tag = checks.optional_text("etag", etag) or hashlib.md5(raw).hexdigest()
        self._control.environment.s3_objects[location] = (raw, tag)
        return tag

    def delete_object(self, uri: str) -> None:
        self._control.environment.s3_objects.pop(_s3_location(uri), None)


def _s3_location(uri: Any) -> tuple[str, str]:
    """``(bucket, key)`` of an ``s3://bucket/key`` URI, else ``ValueError``."""
    from .backend.s3 import split_uri

    try:
        return split_uri(checks.text("uri", uri), "uri")
    except ServiceError as error:
        raise ValueError(error.message) from None


def _object_bytes(data: Any) -> bytes:
    """The object's content: bytes as given, text as UTF-8."""
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(f"data is text that UTF-8 cannot encode: {error}") from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"data must be bytes or str, not {type(data).__name__}")


ENGINES = ("WDL", "WDL_LENIENT", "NEXTFLOW", "CWL")
_WORKFLOW_ID = checks.model_text("WorkflowId")
_WORKFLOW_NAME = checks.model_text("WorkflowName")
_DESCRIPTION = checks.model_text("WorkflowDescription")
_VERSION_NAME = checks.model_text("WorkflowVersionName")


class Ready2RunControl:
    """The READY2RUN catalogue every account sees."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def add(
        self,
        workflow_id: str,
        name: str,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        engine: str = "WDL",
        description: str = "",
        versions: tuple[str, ...] = (),
    ) -> None:
        """Publish a READY2RUN workflow in every account and Region of this mock."""
        entry = Ready2RunEntry(
            _WORKFLOW_ID("workflow_id", workflow_id),
            _WORKFLOW_NAME("name", name),
            _DESCRIPTION("description", description) if description else name,
            checks.one_of(*ENGINES)("engine", engine),
            checks.texts("required", required),
            checks.texts("optional", optional),
            tuple(_VERSION_NAME("versions", v) for v in checks.texts("versions", versions)),
        )
        self._control.environment.add_ready2run(entry)

    def list(self, region: str = "us-east-1") -> list[Workflow]:
        return self._control.backend(region=region).workflows.catalogue.workflows()


Duration = _dt.timedelta | float | None
PROGRESS_MODES = ("time", "per_poll")
OutcomeLike = str | Outcome | tuple[str, str] | tuple[str, str, str]


def _outcome(value: OutcomeLike) -> Outcome:
    """An ``Outcome`` from its short forms; the ``Outcome`` checks the values."""
    if isinstance(value, Outcome):
        return value
    if isinstance(value, str):
        return Outcome(value)
    if isinstance(value, tuple) and len(value) in (2, 3):
        return Outcome(*value)
    raise TypeError(
        "an outcome is 'COMPLETED', 'FAILED', ('FAILED', reason), ('FAILED', reason, message)"
        f" or an Outcome, not {type(value).__name__}"
    )


def _timing(**durations: Duration) -> RunTiming:
    """A ``RunTiming`` from seconds or timedeltas (``None``: not set)."""
    return RunTiming(
        **{n: None if v is None else checks.duration(n, v) for n, v in durations.items()}
    )


def _where(account_id: str | None, region: str | None) -> None:
    """Check the optional account and Region that narrow a run lookup."""
    if account_id is not None:
        checks.account_id("account_id", account_id)
    checks.optional_text("region", region)


class RunsControl:
    """Steer runs: ``m.runs.fail(run_id, reason="OutOfMemory")``.

    Methods that take a ``run_id`` look for it in every account and Region of
    the mock; pass ``account_id``/``region`` when the same ID exists twice.
    Forced outcomes happen now, in virtual time; with ``immediately=False`` the
    run first spends its STOPPING time.
    """

    def __init__(self, control: Control) -> None:
        self._control = control

    @property
    def progress(self) -> str:
        """``"time"`` (runs follow virtual time) or ``"per_poll"`` (each GetRun moves
        an active run one phase on, in addition to time)."""
        return "per_poll" if self._control.environment.run_control.per_poll else "time"

    @progress.setter
    def progress(self, mode: str) -> None:
        if mode not in PROGRESS_MODES:
            raise ValueError(f"progress is one of {PROGRESS_MODES}, not {mode!r}")
        self._control.environment.run_control.per_poll = mode == "per_poll"

    def get(self, run_id: str, account_id: str | None = None, region: str | None = None) -> Run:
        """The run object itself (read-only use), caught up to now."""
        return self._find(run_id, account_id, region)[1]

    def status(self, run_id: str, account_id: str | None = None, region: str | None = None) -> str:
        return self.get(run_id, account_id, region).status

    def complete(
        self,
        run_id: str,
        *,
        immediately: bool = True,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """End an active run as COMPLETED now."""
        checks.flag("immediately", immediately)
        with self._active_run(run_id, account_id, region) as (backend, run):
            backend.runs.simulation.complete(run, backend.clock.now(), immediately)

    def fail(
        self,
        run_id: str,
        reason: str = "WORKFLOW_RUN_FAILED",
        message: str | None = None,
        *,
        immediately: bool = True,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """End an active run as FAILED now, with ``failureReason`` ``reason``."""
        check_failure_reason("reason", reason)
        if message is not None:
            check_status_message("message", message)
        checks.flag("immediately", immediately)
        with self._active_run(run_id, account_id, region) as (backend, run):
            backend.runs.simulation.fail(run, backend.clock.now(), reason, message, immediately)

    def keep_running(
        self, run_id: str, account_id: str | None = None, region: str | None = None
    ) -> None:
        """Hold the run in RUNNING (once it gets there) until ``release``."""
        backend, run = self._find(run_id, account_id, region)
        with backend.lock:
            backend.runs.simulation.hold(run)

    def release(
        self, run_id: str, account_id: str | None = None, region: str | None = None
    ) -> None:
        """Let a held run finish its RUNNING phase (at once if its time has passed)."""
        backend, run = self._find(run_id, account_id, region)
        with backend.lock:
            backend.runs.simulation.release(run, backend.clock.now())

    def set_durations(
        self,
        *,
        workflow_id: str | None = None,
        run_id: str | None = None,
        pending: Duration = None,
        starting: Duration = None,
        running: Duration = None,
        stopping: Duration = None,
        task: Duration = None,
    ) -> None:
        """Phase durations (seconds or timedelta): for every run, one workflow's
        future runs, or one run's phases not yet begun."""
        if workflow_id is not None and run_id is not None:
            raise ValueError("pass workflow_id or run_id, not both")
        checks.optional_text("workflow_id", workflow_id)
        checks.optional_text("run_id", run_id)
        timing = _timing(
            pending=pending, starting=starting, running=running, stopping=stopping, task=task
        )
        state = self._control.environment.run_control
        if run_id is not None:
            backend, run = self._find(run_id, None, None)
            with backend.lock:
                run.timing = timing.over(run.timing)
        elif workflow_id is not None:
            current = state.workflow_timing.get(workflow_id, RunTiming())
            state.workflow_timing[workflow_id] = timing.over(current)
        else:
            settings = self._control.environment.settings
            settings.durations.run = timing.over(settings.durations.run)

    def set_outcome(
        self,
        run_id: str,
        outcome: OutcomeLike,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """How one run ends when its RUNNING time is over (it keeps its timing)."""
        ending = _outcome(outcome)
        with self._active_run(run_id, account_id, region) as (_, run):
            run.outcome = ending

    def script(self, workflow_id: str, outcomes: Iterable[OutcomeLike]) -> None:
        """The next runs of a workflow end with these outcomes, in order, then as default.

        All or nothing: one bad outcome refuses the whole list."""
        checks.text("workflow_id", workflow_id)
        if isinstance(outcomes, (str, Outcome)):
            raise TypeError("outcomes is a list of outcomes; wrap a single one in a list")
        endings = [_outcome(o) for o in outcomes]
        scripts = self._control.environment.run_control.scripts
        scripts.setdefault(workflow_id, collections.deque()).extend(endings)

    def set_default_outcome(self, outcome: OutcomeLike) -> None:
        """How runs end when no script says otherwise (COMPLETED initially)."""
        self._control.environment.run_control.default_outcome = _outcome(outcome)

    def _find(
        self, run_id: str, account_id: str | None, region: str | None
    ) -> tuple[OmicsBackend, Run]:
        checks.text("run_id", run_id)
        _where(account_id, region)
        found = []
        for backend in self._control.environment.backends.existing():
            if account_id is not None and backend.account_id != account_id:
                continue
            if region is not None and backend.region != region:
                continue
            with backend.lock:
                backend.catch_up()
                run = backend.runs.store.get(run_id)
            if run is not None:
                found.append((backend, run))
        if not found:
            raise KeyError(f"no run {run_id} in this mock")
        if len(found) > 1:
            raise KeyError(
                f"run {run_id} exists in several accounts/Regions; pass account_id and region"
            )
        return found[0]

    @contextlib.contextmanager
    def _active_run(
        self, run_id: str, account_id: str | None, region: str | None
    ) -> Iterator[tuple[OmicsBackend, Run]]:
        """The run's backend (locked) and the run, which must still be active."""
        backend, run = self._find(run_id, account_id, region)
        with backend.lock:
            if not run.is_active:
                raise ValueError(f"run {run.id} already ended ({run.status})")
            yield backend, run


class Control:
    """Everything a test can reach on a mock besides the AWS API."""

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self.faults = Faults(self)
        self.accounts = Accounts(self)
        self.s3 = S3Objects(self)
        self.ready2run = Ready2RunControl(self)
        self.runs = RunsControl(self)

    @property
    def clock(self) -> VirtualClock:
        return self.environment.clock

    @property
    def settings(self) -> Settings:
        return self.environment.settings

    @property
    def requests(self) -> RequestLog:
        """The latest requests answered (``settings.request_log_size`` of them), oldest first."""
        return self.environment.requests

    def backend(self, account_id: str | None = None, region: str = "us-east-1") -> OmicsBackend:
        """The backend of one account and Region (created if new), caught up to now."""
        _where(account_id, region)
        backend = self.environment.backend(account_id, checks.text("region", region))
        with backend.lock:
            backend.catch_up()
        return backend

    def simulation_failures(self) -> list[tuple[_dt.datetime, Exception]]:
        """Simulated events that raised: bugs in omics-mock (the pytest fixture fails on them)."""
        return self.environment.simulation_failures()

    def calls(self, operation: str) -> list[RequestRecord]:
        """The logged requests of one operation."""
        return [r for r in self.environment.requests.snapshot() if r.operation == operation]

    def describe(self) -> dict[str, Any]:
        """A small summary of the state, for debugging."""
        return {
            "accounts": sorted({b.account_id for b in self.environment.backends.existing()}),
            "requests": len(self.environment.requests),
            "requests_answered": self.environment.requests.total,
            "virtual_offset_seconds": self.clock.offset.total_seconds(),
        }
