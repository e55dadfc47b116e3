"""The control API: what tests can do that the AWS API cannot.

Reached from the mock object (``with mock_omics() as m``), or from the
``omics_mock`` fixture of the pytest plugin:

* ``m.clock``: virtual time (``advance``, ``now``);
* ``m.settings``: phase durations and quotas (``m.settings.quotas.max_workflows = 5``);
* ``m.faults``: answer an operation with an error N times;
* ``m.requests``: the log of requests answered;
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

from .backend.clock import VirtualClock
from .backend.environment import Fault, RequestRecord
from .backend.ready2run import Ready2RunEntry
from .backend.run_model import COMPLETED, FAILED, Outcome, Run
from .backend.settings import RunTiming, Settings
from .protocol.errors import ERRORS_BY_CODE

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
        if error not in ERRORS_BY_CODE:
            raise ValueError(
                f"{error} is not a HealthOmics exception; use one of {sorted(ERRORS_BY_CODE)}"
            )
        if times < 1:
            raise ValueError("times must be at least 1")
        environment = self._control.environment
        if operation not in environment.operation_names():
            raise ValueError(f"{operation} is not a HealthOmics operation")
        text = message or f"Injected {error} for {operation} by omics-mock."
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
        if not (len(account_id) == 12 and account_id.isdigit()):
            raise ValueError("account_id must be 12 digits")
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

        from .backend.s3 import split_uri

        bucket, key = split_uri(uri, "uri")
        raw = data.encode("utf-8") if isinstance(data, str) else data
        tag = etag or hashlib.md5(raw).hexdigest()
        self._control.environment.s3_objects[(bucket, key)] = (raw, tag)
        return tag

    def delete_object(self, uri: str) -> None:
        from .backend.s3 import split_uri

        self._control.environment.s3_objects.pop(split_uri(uri, "uri"), None)


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
            workflow_id, name, description or name, engine, required, optional, versions
        )
        self._control.environment.add_ready2run(entry)

    def list(self, region: str = "us-east-1") -> list[Workflow]:
        return self._control.backend(region=region).workflows.catalogue.workflows()


Duration = _dt.timedelta | float | None
PROGRESS_MODES = ("time", "per_poll")


def _timing(**durations: Duration) -> RunTiming:
    values = {}
    for name, value in durations.items():
        if value is None:
            continue
        seconds = value if isinstance(value, _dt.timedelta) else _dt.timedelta(seconds=float(value))
        if seconds < _dt.timedelta(0):
            raise ValueError(f"{name} must not be negative")
        values[name] = seconds
    return RunTiming(**values)


def _outcome(value: str | Outcome | tuple[str, str]) -> Outcome:
    if isinstance(value, Outcome):
        return value
    if isinstance(value, tuple):
        status, reason = value
        return Outcome(status, reason)
    if value not in (COMPLETED, FAILED):
        raise ValueError("an outcome is COMPLETED, FAILED, ('FAILED', reason) or an Outcome")
    return Outcome(value)


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
            raise ValueError(f"progress is one of {PROGRESS_MODES}")
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
        outcome: str | Outcome | tuple[str, str],
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """How one run ends when its RUNNING time is over (it keeps its timing)."""
        with self._active_run(run_id, account_id, region) as (_, run):
            run.outcome = _outcome(outcome)

    def script(self, workflow_id: str, outcomes: Iterable[str | Outcome | tuple[str, str]]) -> None:
        """The next runs of a workflow end with these outcomes, in order, then as default."""
        queue = self._control.environment.run_control.scripts.setdefault(
            workflow_id, collections.deque()
        )
        queue.extend(_outcome(o) for o in outcomes)

    def set_default_outcome(self, outcome: str | Outcome | tuple[str, str]) -> None:
        """How runs end when no script says otherwise (COMPLETED initially)."""
        self._control.environment.run_control.default_outcome = _outcome(outcome)

    def _find(
        self, run_id: str, account_id: str | None, region: str | None
    ) -> tuple[OmicsBackend, Run]:
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
    def requests(self) -> list[RequestRecord]:
        return self.environment.requests

    def backend(self, account_id: str | None = None, region: str = "us-east-1") -> OmicsBackend:
        """The backend of one account and Region (created if new), caught up to now."""
        backend = self.environment.backend(account_id, region)
        with backend.lock:
            backend.catch_up()
        return backend

    def simulation_failures(self) -> list[tuple[_dt.datetime, Exception]]:
        """Simulated events that raised: bugs in omics-mock (the pytest fixture fails on them)."""
        return self.environment.simulation_failures()

    def calls(self, operation: str) -> list[RequestRecord]:
        """The logged requests of one operation."""
        return [r for r in self.environment.requests if r.operation == operation]

    def describe(self) -> dict[str, Any]:
        """A small summary of the state, for debugging."""
        return {
            "accounts": sorted({b.account_id for b in self.environment.backends.existing()}),
            "requests": len(self.environment.requests),
            "virtual_offset_seconds": self.clock.offset.total_seconds(),
        }
