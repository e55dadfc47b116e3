"""Runs moving through their phases in virtual time, and the admission queue.

A new run waits ``pending`` in PENDING, then joins the admission queue. A run
is admitted (STARTING) when the account's concurrent-run quota and its run
group's limits allow; among waiting runs the highest ``priority`` goes first,
ties by creation. Runs outside run groups are ranked among themselves, each
run group's runs among themselves. Admitted runs go STARTING -> RUNNING ->
STOPPING -> COMPLETED (or FAILED, through STOPPING), one scheduled event per
phase. Every end frees capacity and admits the next runs at that instant.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from .admission import AdmissionQueue, Usage
from .events import (
    AdmissionRoom,
    AdmissionVeto,
    ExportVeto,
    RunDeadline,
    RunStartsWork,
    RunStatusChanged,
    RunSubmitted,
)
from .model import CANCELLED, COMPLETED, FAILED, PENDING, RUNNING, STARTING, STOPPING, Run

if TYPE_CHECKING:
    from ..kernel.state import Backend

_ZERO = _dt.timedelta(0)


class RunSimulation:
    """Schedules every run's phase changes and admits queued runs.

    Other families take part through the backend's events: they are told of
    every status change (``RunStatusChanged``) and of work starting
    (``RunStartsWork``), and asked whether a run may be admitted
    (``AdmissionRoom``), must fail instead (``AdmissionVeto``) and by when it
    must end (``RunDeadline``).
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.events = backend.events
        self.queue = AdmissionQueue()
        self.active: dict[str, Run] = {}
        """Runs holding capacity: STARTING, RUNNING or STOPPING."""
        self.usage: dict[str | None, Usage] = {}
        """Active usage per run group (``None``: runs outside groups)."""

    def usage_of(self, group_id: str | None) -> Usage:
        usage = self.usage.get(group_id)
        if usage is None:
            usage = self.usage[group_id] = Usage()
        return usage

    # -- entry points ----------------------------------------------------------------

    def submit(self, run: Run, now: _dt.datetime) -> None:
        """A new run: PENDING for ``timing.pending``, then queued for admission."""
        self.events.publish(RunSubmitted(run, now))
        self._schedule(run, now + (run.timing.pending or _ZERO), self._become_eligible)

    def cancel(self, run: Run, now: _dt.datetime) -> None:
        """CancelRun: PENDING ends CANCELLED at once; later phases go through STOPPING."""
        if run.status == PENDING:
            self._drop_pending(run)
            self._change(run, now, lambda: run.cancel_now(now))
            self._after_end(run, now)
        elif run.status in (STARTING, RUNNING):
            self._stop(run, now, CANCELLED)
        elif run.status == STOPPING:
            run.end_status = CANCELLED

    def fail(
        self,
        run: Run,
        now: _dt.datetime,
        reason: str | None,
        message: str | None,
        immediately: bool,
    ) -> None:
        """Force a failure: through STOPPING, or straight to FAILED."""
        run.record_failure(reason, message)
        self._force_end(run, now, FAILED, immediately)

    def complete(self, run: Run, now: _dt.datetime, immediately: bool) -> None:
        """Force success now (tasks not yet run are skipped)."""
        self._force_end(run, now, COMPLETED, immediately)

    def hold(self, run: Run) -> None:
        """Keep the run RUNNING until released."""
        run.held = True
        if run.status == RUNNING and run.next_event is not None:
            run.next_event.cancel()
            run.next_event = None

    def release(self, run: Run, now: _dt.datetime) -> None:
        run.held = False
        if run.status == RUNNING and run.next_event is None:
            assert run.running_since is not None
            due = max(now, run.running_since + run.running_duration)
            self._schedule(run, due, self._begin_stopping)

    def step(self, run: Run, now: _dt.datetime) -> None:
        """Per-poll mode: bring the run's next phase change forward to ``now``."""
        event = run.next_event
        if event is not None and not event.cancelled:
            event.cancel()
            run.next_event = None
            event.action(now)

    def remove(self, run: Run, now: _dt.datetime) -> None:
        """A run deleted or evicted: stop simulating it and free what it held."""
        if run.next_event is not None:
            run.next_event.cancel()
            run.next_event = None
        self._drop_pending(run)
        if self.active.pop(run.id, None) is run:
            self.usage_of(run.run_group_id).add(run, -1)
            self.admit(now)

    # -- admission -------------------------------------------------------------------

    def admit(self, now: _dt.datetime) -> None:
        """Admit waiting runs while there is room, best first."""
        quota = self.backend.settings.quotas.max_concurrent_runs
        while self.queue and len(self.active) < quota:
            candidates = [run for run in self.queue.heads() if self._has_room(run)]
            if not candidates:
                return
            best = min(candidates, key=lambda r: (-r.priority, r.sequence))
            self.queue.pop(best)
            self.active[best.id] = best
            self.usage_of(best.run_group_id).add(best, 1)
            self._change(best, now, functools.partial(best.admit, now))
            self._set_deadlines(best, now)
            if best.status == STARTING:
                self._schedule(best, now + (best.timing.starting or _ZERO), self._begin_running)

    def _has_room(self, run: Run) -> bool:
        question = AdmissionRoom(run, self.usage_of(run.run_group_id))
        return all(answer is not False for answer in self.events.publish(question))

    def _set_deadlines(self, run: Run, at: _dt.datetime) -> None:
        """Fail the run if it is still active when a deadline (``maxDuration``) passes."""
        for answer in self.events.publish(RunDeadline(run)):
            if answer is None:
                continue
            limit, reason, message = answer
            expire = functools.partial(self._expire, run, reason, message)
            self.backend.scheduler.schedule(at + limit, expire)

    def _expire(self, run: Run, reason: str, message: str, at: _dt.datetime) -> None:
        """A deadline passed: the run fails if it is still active."""
        if run.is_active and not run.removed:
            self.fail(run, at, reason, message, immediately=False)

    # -- phase changes ---------------------------------------------------------------

    # Each phase change is a scheduled event (``_schedule``): its first step forgets it.

    def _become_eligible(self, run: Run, at: _dt.datetime) -> None:
        run.next_event = None
        for message in self.events.publish(AdmissionVeto(run)):
            if message is not None:
                run.record_failure(message[:64], message)
                run.end_status = FAILED
                self._change(run, at, lambda: run.finish(at))
                return
        self.queue.add(run)
        self.admit(at)

    def _begin_running(self, run: Run, at: _dt.datetime) -> None:
        run.next_event = None
        self.events.publish(RunStartsWork(run, at))
        self._change(run, at, lambda: run.start_running(at))
        if not run.held:
            self._schedule(run, at + run.running_duration, self._begin_stopping)

    def _begin_stopping(self, run: Run, at: _dt.datetime) -> None:
        run.next_event = None
        end_status = run.outcome.status
        if end_status == FAILED:
            run.record_failure(run.outcome.reason, run.outcome.message)
        self._stop(run, at, end_status)

    def _stop(self, run: Run, at: _dt.datetime, end_status: str) -> None:
        if run.next_event is not None:
            run.next_event.cancel()
            run.next_event = None
        self._change(run, at, lambda: run.start_stopping(at, end_status))
        self._schedule(run, at + (run.timing.stopping or _ZERO), self._finish)

    def _finish(self, run: Run, at: _dt.datetime) -> None:
        run.next_event = None
        self._check_export(run)
        self._change(run, at, lambda: run.finish(at))
        self._after_end(run, at)

    def _check_export(self, run: Run) -> None:
        """A run about to complete exports its outputs; a veto fails it instead."""
        if (run.end_status or COMPLETED) != COMPLETED:
            return
        for answer in self.events.publish(ExportVeto(run)):
            if answer is not None:
                run.record_failure(*answer)
                run.end_status = FAILED
                return

    def _force_end(self, run: Run, now: _dt.datetime, end_status: str, immediately: bool) -> None:
        if run.status == PENDING:
            self._drop_pending(run)
            run.end_status = end_status
            if end_status == COMPLETED:
                run.start_time = now
            self._check_export(run)
            self._change(run, now, lambda: run.finish(now))
            self._after_end(run, now)
            return
        if run.status in (STARTING, RUNNING):
            self._stop(run, now, end_status)
        else:
            run.end_status = end_status
        if immediately and run.status == STOPPING:
            self.step(run, now)

    def _after_end(self, run: Run, at: _dt.datetime) -> None:
        if self.active.pop(run.id, None) is not None:
            self.usage_of(run.run_group_id).add(run, -1)
            self.admit(at)

    def _drop_pending(self, run: Run) -> None:
        if run.next_event is not None:
            run.next_event.cancel()
            run.next_event = None
        self.queue.discard(run)

    # -- plumbing --------------------------------------------------------------------

    def _schedule(
        self, run: Run, due: _dt.datetime, action: Callable[[Run, _dt.datetime], None]
    ) -> None:
        """``action`` (a phase change, which forgets ``run.next_event`` first) at ``due``."""
        run.next_event = self.backend.scheduler.schedule(due, functools.partial(action, run))

    def _change(self, run: Run, at: _dt.datetime, change: Callable[[], None]) -> None:
        before = run.status
        change()
        if run.status != before:
            self.events.publish(RunStatusChanged(run, before, at))
