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
import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING

from .run_model import CANCELLED, COMPLETED, FAILED, PENDING, RUNNING, STARTING, STOPPING, Run

if TYPE_CHECKING:
    from .base import OmicsBackend

StatusListener = Callable[[Run, str], None]
"""Called with a run and its previous status after every status change."""

_ZERO = _dt.timedelta(0)


class AdmissionQueue:
    """Waiting runs, one priority heap per pool (a run group, or no group)."""

    def __init__(self) -> None:
        self._pools: dict[str | None, list[tuple[int, int, Run]]] = {}
        self._queued: set[int] = set()

    def add(self, run: Run) -> None:
        heapq.heappush(
            self._pools.setdefault(run.run_group_id, []), (-run.priority, run.sequence, run)
        )
        self._queued.add(id(run))

    def discard(self, run: Run) -> None:
        """Forget a run (lazily: it is skipped when it reaches the head)."""
        self._queued.discard(id(run))

    def __contains__(self, run: Run) -> bool:
        return id(run) in self._queued

    def __len__(self) -> int:
        return len(self._queued)

    def heads(self) -> list[Run]:
        """The best waiting run of each pool."""
        heads = []
        for pool_id, heap in list(self._pools.items()):
            while heap and id(heap[0][2]) not in self._queued:
                heapq.heappop(heap)
            if heap:
                heads.append(heap[0][2])
            else:
                del self._pools[pool_id]
        return heads

    def pop(self, run: Run) -> None:
        heap = self._pools[run.run_group_id]
        heapq.heappop(heap)
        self._queued.discard(id(run))


class Usage:
    """What a pool's active runs hold: runs, vCPUs, GPUs."""

    __slots__ = ("runs", "cpus", "gpus")

    def __init__(self) -> None:
        self.runs = 0
        self.cpus = 0
        self.gpus = 0

    def add(self, run: Run, sign: int) -> None:
        self.runs += sign
        self.cpus += sign * run.cpus
        self.gpus += sign * run.gpus


class RunSimulation:
    """Schedules every run's phase changes and admits queued runs."""

    def __init__(self, backend: OmicsBackend) -> None:
        self.backend = backend
        self.queue = AdmissionQueue()
        self.active: dict[str, Run] = {}
        """Runs holding capacity: STARTING, RUNNING or STOPPING."""
        self.usage: dict[str | None, Usage] = {}
        """Active usage per run group (``None``: runs outside groups)."""
        self.listeners: list[StatusListener] = []
        self.room_checks: list[Callable[[Run], bool]] = []
        """Extra admission conditions (run-group limits) besides the account quota."""
        self.vetoes: list[Callable[[Run], str | None]] = []
        """Checked when a run becomes eligible: a message fails the run instead."""
        self.admission_listeners: list[Callable[[Run, _dt.datetime], None]] = []
        self.running_listeners: list[Callable[[Run, _dt.datetime], None]] = []
        """Called as a run enters RUNNING, before its RUNNING time is scheduled."""

    def usage_of(self, group_id: str | None) -> Usage:
        usage = self.usage.get(group_id)
        if usage is None:
            usage = self.usage[group_id] = Usage()
        return usage

    # -- entry points ----------------------------------------------------------------

    def submit(self, run: Run, now: _dt.datetime) -> None:
        """A new run: PENDING for ``timing.pending``, then queued for admission."""
        self._schedule(run, now + (run.timing.pending or _ZERO), self._become_eligible)

    def cancel(self, run: Run, now: _dt.datetime) -> None:
        """CancelRun: PENDING ends CANCELLED at once; later phases go through STOPPING."""
        if run.status == PENDING:
            self._drop_pending(run)
            self._change(run, lambda: run.cancel_now(now))
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
            self._change(best, functools.partial(best.admit, now))
            for listener in self.admission_listeners:
                listener(best, now)
            if best.status == STARTING:
                self._schedule(best, now + (best.timing.starting or _ZERO), self._begin_running)

    def _has_room(self, run: Run) -> bool:
        return all(check(run) for check in self.room_checks)

    # -- phase changes ---------------------------------------------------------------

    def _become_eligible(self, run: Run, at: _dt.datetime) -> None:
        for veto in self.vetoes:
            message = veto(run)
            if message is not None:
                run.record_failure(message[:64], message)
                run.end_status = FAILED
                self._change(run, lambda: run.finish(at))
                return
        self.queue.add(run)
        self.admit(at)

    def _begin_running(self, run: Run, at: _dt.datetime) -> None:
        for listener in self.running_listeners:
            listener(run, at)
        self._change(run, lambda: run.start_running(at))
        if not run.held:
            self._schedule(run, at + run.running_duration, self._begin_stopping)

    def _begin_stopping(self, run: Run, at: _dt.datetime) -> None:
        end_status = run.outcome.status
        if end_status == FAILED:
            run.record_failure(run.outcome.reason, run.outcome.message)
        self._stop(run, at, end_status)

    def _stop(self, run: Run, at: _dt.datetime, end_status: str) -> None:
        if run.next_event is not None:
            run.next_event.cancel()
            run.next_event = None
        self._change(run, lambda: run.start_stopping(at, end_status))
        self._schedule(run, at + (run.timing.stopping or _ZERO), self._finish)

    def _finish(self, run: Run, at: _dt.datetime) -> None:
        self._change(run, lambda: run.finish(at))
        self._after_end(run, at)

    def _force_end(self, run: Run, now: _dt.datetime, end_status: str, immediately: bool) -> None:
        if run.status == PENDING:
            self._drop_pending(run)
            run.end_status = end_status
            if end_status == COMPLETED:
                run.start_time = now
            self._change(run, lambda: run.finish(now))
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
        def fire(at: _dt.datetime) -> None:
            run.next_event = None
            action(run, at)

        run.next_event = self.backend.scheduler.schedule(due, fire)

    def _change(self, run: Run, change: Callable[[], None]) -> None:
        before = run.status
        change()
        if run.status != before:
            for listener in self.listeners:
                listener(run, before)
