"""``m.runs``: force run outcomes, script them per workflow, set durations, progress."""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from ...service.kernel import checks
from ...service.kernel.settings import RunTiming
from ...service.runs.model import Outcome, Run, check_failure_reason, check_status_message
from ...service.runs.ops import Runs, find_run
from ...service.runs.steering import RunSteering
from ..display.runs import run_view
from ..display.timeline import RunTimeline

if TYPE_CHECKING:
    from ...service.kernel.state import Backend, ServiceState

Duration = _dt.timedelta | float | None
OutcomeLike = str | Outcome | tuple[str, str] | tuple[str, str, str]
PROGRESS_MODES = ("time", "per_poll")
RunId = str | int


class RunsControl:
    """Steer runs: ``m.runs.fail(run_id, reason="OutOfMemory")``.

    Methods that take a ``run_id`` look for it in every account and Region of
    the mock; pass ``account_id``/``region`` when the same ID exists twice.
    Forced outcomes happen now, in virtual time; with ``immediately=False`` the
    run first spends its STOPPING time.
    """

    def __init__(self, state: Callable[[], ServiceState]) -> None:
        self._current = state

    @property
    def _state(self) -> ServiceState:
        return self._current()

    @property
    def _steering(self) -> RunSteering:
        return self._state.shared(RunSteering)

    @property
    def progress(self) -> str:
        """``"time"`` (runs follow virtual time) or ``"per_poll"`` (each GetRun moves
        an active run one phase on, in addition to time)."""
        return "per_poll" if self._steering.per_poll else "time"

    @progress.setter
    def progress(self, mode: str) -> None:
        if mode not in PROGRESS_MODES:
            raise ValueError(f"progress is one of {PROGRESS_MODES}, not {mode!r}")
        self._steering.per_poll = mode == "per_poll"

    def get(self, run_id: RunId, account_id: str | None = None, region: str | None = None) -> Run:
        """The run object itself (read-only use), caught up to now."""
        return self._find(run_id, account_id, region)[1]

    def status(
        self, run_id: RunId, account_id: str | None = None, region: str | None = None
    ) -> str:
        return self.get(run_id, account_id, region).status

    def timeline(
        self, run_id: RunId, account_id: str | None = None, region: str | None = None
    ) -> RunTimeline:
        """The run's phases and tasks over virtual time, as it is now: SVG in notebooks,
        a text chart with ``print()``. Reading it changes nothing."""
        backend, run = self._find(run_id, account_id, region)
        with backend.lock:
            return RunTimeline(run_view(run, backend.clock.now()))

    def complete(
        self,
        run_id: RunId,
        *,
        immediately: bool = True,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """End an active run as COMPLETED now."""
        checks.flag("immediately", immediately)
        with self._active_run(run_id, account_id, region) as (backend, run):
            backend.get(Runs).complete(run, immediately)

    def fail(
        self,
        run_id: RunId,
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
            backend.get(Runs).fail(run, reason, message, immediately)

    def keep_running(
        self, run_id: RunId, account_id: str | None = None, region: str | None = None
    ) -> None:
        """Hold the run in RUNNING (once it gets there) until ``release``."""
        backend, run = self._find(run_id, account_id, region)
        with backend.lock:
            backend.get(Runs).hold(run)

    def release(
        self, run_id: RunId, account_id: str | None = None, region: str | None = None
    ) -> None:
        """Let a held run finish its RUNNING phase (at once if its time has passed)."""
        backend, run = self._find(run_id, account_id, region)
        with backend.lock:
            backend.get(Runs).release(run)

    def set_durations(
        self,
        *,
        workflow_id: str | None = None,
        run_id: RunId | None = None,
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
        timing = _timing(
            pending=pending, starting=starting, running=running, stopping=stopping, task=task
        )
        if run_id is not None:
            backend, run = self._find(run_id, None, None)
            with backend.lock:
                backend.get(Runs).set_timing(run, timing)
        elif workflow_id is not None:
            self._steering.set_workflow_timing(str(workflow_id), timing)
        else:
            durations = self._state.settings.durations
            durations.run = timing.over(durations.run)

    def set_outcome(
        self,
        run_id: RunId,
        outcome: OutcomeLike,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """How one run ends when its RUNNING time is over (it keeps its timing)."""
        chosen = as_outcome(outcome)
        with self._active_run(run_id, account_id, region) as (backend, run):
            backend.get(Runs).set_outcome(run, chosen)

    def script(self, workflow_id: str, outcomes: Iterable[OutcomeLike]) -> None:
        """The next runs of a workflow end with these outcomes, in order, then as default.

        All or nothing: one bad outcome refuses the whole list."""
        checks.text("workflow_id", workflow_id)
        if isinstance(outcomes, (str, Outcome)):
            raise TypeError("outcomes is a list of outcomes; wrap a single one in a list")
        self._steering.script(workflow_id, [as_outcome(o) for o in outcomes])

    def set_default_outcome(self, outcome: OutcomeLike) -> None:
        """How runs end when no script says otherwise (COMPLETED initially)."""
        self._steering.default_outcome = as_outcome(outcome)

    def _find(
        self, run_id: RunId, account_id: str | None, region: str | None
    ) -> tuple[Backend, Run]:
        if account_id is not None:
            checks.account_id("account_id", account_id)
        checks.optional_text("region", region)
        return find_run(self._state, run_id, account_id, region)

    @contextlib.contextmanager
    def _active_run(
        self, run_id: RunId, account_id: str | None, region: str | None
    ) -> Iterator[tuple[Backend, Run]]:
        """The run's backend (locked) and the run, which must still be active."""
        backend, run = self._find(run_id, account_id, region)
        with backend.lock:
            if not run.is_active:
                raise ValueError(f"run {run.id} already ended ({run.status})")
            yield backend, run


def as_outcome(value: OutcomeLike) -> Outcome:
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
