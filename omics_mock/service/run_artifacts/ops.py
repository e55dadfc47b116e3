"""The family that makes runs leave artefacts behind, and hands them over to moto.

It follows every run from submission (a ``Trail``), answers whether a run can
export its outputs (``ExportVeto``), and, while moto's ``mock_aws`` is active,
writes each run's items into moto's S3, CloudWatch Logs and EventBridge with the
virtual time they are due at. Nothing can read moto before moto is asked
something, so the writing waits for that (``OutsideRead``: before moto answers a
request in this process, before the mock stops or is saved): a run that has items
moto lacks is only noted, and at the hand-over every noted run is written once,
with everything due by then, all its objects and log events, then every run's and
other resource's events in time order. ``written_at`` and ``frontier`` make sure
no item is written twice. Without moto nothing is written: the control API
renders a run's items when asked (``items``). Events of other resources
(batches, workflows, run groups) are kept in ``journal``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import operator
from typing import Any

from ..batches.events import BatchStatusChanged
from ..kernel.events import OutsideRead, reacts_to
from ..kernel.gc_pause import gc_paused
from ..kernel.scheduler import Event
from ..kernel.state import Backend, Family
from ..outside import eventbridge, s3_writes
from ..outside.s3 import moto_is_active
from ..run_caches.ops import RunCaches
from ..run_groups.events import RunGroupStatusChanged
from ..runs.events import ExportVeto, RunRemoved, RunStatusChanged, RunSubmitted
from ..runs.model import TERMINAL, Run
from ..workflows.events import WorkflowStatusChanged
from . import bus
from .batches import Batches
from .context import RunContext
from .declared import Declared, declared_outputs
from .export import EXPORT_FAILED, EXPORT_FAILED_MESSAGE, has_engine_stream, split_s3
from .items import BusEvent, Item, order
from .journal import Journal, JournalEntry
from .jsontext import compact
from .plans import Plans
from .script import ArtifactSteering, Script
from .to_moto import MotoWriter, TimedEnvelope
from .trail import next_window_start, render

GC_PAUSE_RUNS = 1000
"""A hand-over of at least this many runs pauses the cyclic GC and moves what it made to
the oldest generation (``gc_paused(kept=True)``): it stays in moto, and walking it again
and again as it grows would cost more than the writing."""


class Trail:
    """What the family keeps for one run: its script and how far moto has it."""

    __slots__ = ("run", "script", "cache_stream", "removed_at", "written_at", "frontier", "due")

    def __init__(self, run: Run, script: Script, cache_stream: str | None) -> None:
        self.run = run
        self.script = script
        self.cache_stream = cache_stream
        self.removed_at: _dt.datetime | None = None
        self.written_at: _dt.datetime | None = None
        """Every item due by then is in moto (``None``: nothing written yet)."""
        self.frontier: tuple[str, ...] = ()
        """Keys of the items due exactly at ``written_at``."""
        self.due: Event | None = None
        """When the run next has an item due that moto lacks (it is noted then)."""


class RunArtifacts(Family):
    """Artefacts of the runs of one account and Region."""

    key = "run_artifacts"
    SNAPSHOT_WIRING = ("_declared", "_noted", "_announced")
    """A cache, filled again as runs are rendered, and what waits for the next hand-over
    (empty in a snapshot: saving hands everything over first)."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.trails: dict[str, Trail] = {}
        self._open: dict[str, Trail] = {}
        """Trails of runs that have not ended, or not been written to their end."""
        self.steering = backend.state.shared(ArtifactSteering)
        self.journal = Journal()
        self._declared: dict[tuple[str, str, str | None], Declared] = {}
        self._noted: dict[str, Trail] = {}
        """Runs with items due that moto lacks, in the order they were noted."""
        self._announced: list[JournalEntry] = []
        """Other resources' events moto has not been sent yet."""

    # -- rendering ------------------------------------------------------------------------

    def context(self, trail: Trail, rules: list[Any] | None = None) -> RunContext:
        """What rendering the run needs; given moto's ``rules``, events go only if one
        rule could take them."""
        run = trail.run
        events = self.backend.settings.artifacts.events and (rules is None or bool(rules))
        return RunContext(
            run=run,
            settings=self.backend.settings.artifacts,
            declared=self.declared(run),
            script=trail.script,
            cache_stream=trail.cache_stream,
            removed_at=trail.removed_at,
            arn=self.backend.arn,
            ids=self.backend.ids,
            events=events,
        )

    def declared(self, run: Run) -> Declared:
        """The outputs the run's definition declares (read once per definition)."""
        version = run.version.name if run.version is not None else None
        key = (run.workflow.arn, run.definition.digest or "", version)
        found = self._declared.get(key)
        if found is None:
            found = declared_outputs(run.definition, run.workflow.name or "main")
            template = compact(run.definition.parameter_template or {})
            found = self._declared[key] = dataclasses.replace(found, parameter_template=template)
        return found

    def items(self, trail: Trail, now: _dt.datetime) -> list[Item]:
        """Every item of the run due by ``now``, in order."""
        return order([i for i in render(self.context(trail), None, now) if i.at <= now])

    # -- following runs ---------------------------------------------------------------------

    @reacts_to(RunSubmitted)
    def follow(self, event: RunSubmitted) -> None:
        run = event.run
        script = self.steering.script_for(run.workflow.id)
        cache_stream = None
        if run.cache_id is not None:
            cache = self.backend.get(RunCaches).store.get(run.cache_id)
            if cache is not None:
                cache_stream = f"runCache/{cache.id}/{cache.uuid}"
        trail = self.trails[run.id] = self._open[run.id] = Trail(run, script, cache_stream)
        self.note(trail, event.at)

    @reacts_to(RunStatusChanged)
    def status_changed(self, event: RunStatusChanged) -> None:
        run = event.run
        if run.status in TERMINAL:
            settings = self.backend.settings.artifacts
            run.engine_log_stream = (
                settings.logs
                and run.log_level != "OFF"
                and has_engine_stream(run, settings.engine_stream_always)
            )
        trail = self.trails.get(run.id)
        if trail is not None:
            self.note(trail, event.at)
        if run.status in TERMINAL and not moto_is_active():
            self._open.pop(run.id, None)

    @reacts_to(RunRemoved)
    def removed(self, event: RunRemoved) -> None:
        trail = self.trails.get(event.run.id)
        if trail is not None and trail.removed_at is None:
            trail.removed_at = event.at
            self.note(trail, event.at)

    @reacts_to(ExportVeto)
    def check_output_bucket(self, question: ExportVeto) -> tuple[str, str] | None:
        """A run cannot export to a bucket that does not exist (or that a test denied)."""
        if not self.backend.settings.artifacts.export_fails_without_bucket:
            return None
        bucket = split_s3(question.run.run_output_uri)[0]
        missing = bucket in self.steering.denied_buckets or (
            moto_is_active()
            and not s3_writes.bucket_exists(self.backend.account_id, self.backend.region, bucket)
        )
        return (EXPORT_FAILED, EXPORT_FAILED_MESSAGE) if missing else None

    def set_script(self, run: Run, script: Script) -> None:
        """Script one run's content (over what its workflow's script says)."""
        trail = self.trails.get(run.id)
        if trail is not None:
            trail.script = script.over(trail.script)

    # -- other resources' events ---------------------------------------------------------------

    @reacts_to(BatchStatusChanged)
    def batch_status_changed(self, event: BatchStatusChanged) -> None:
        batch = event.batch
        workflow_id = batch.default.get("workflowId")
        workflow_arn = self.backend.arn(f"workflow/{workflow_id}")
        self.announce(bus.batch_event(batch, workflow_arn, self.backend.arn), event.at)

    @reacts_to(WorkflowStatusChanged)
    def workflow_status_changed(self, event: WorkflowStatusChanged) -> None:
        self.announce(bus.workflow_event(event.workflow, event.version, event.status), event.at)

    @reacts_to(RunGroupStatusChanged)
    def run_group_status_changed(self, event: RunGroupStatusChanged) -> None:
        self.announce(bus.resource_event(bus.RUN_GROUP, event.arn, event.status), event.at)

    def announce(self, event: BusEvent, at: _dt.datetime) -> None:
        """An event of another resource (a batch, a workflow), sent at the next hand-over."""
        if not self.backend.settings.artifacts.events:
            return
        entry = self.journal.add(event, at, len(self.trails))
        if moto_is_active():
            self._announced.append(entry)

    # -- handing over to moto ------------------------------------------------------------------

    def note(self, trail: Trail, at: _dt.datetime) -> None:
        """The run has items due by ``at`` that moto lacks: they are written at the next
        hand-over. With every kind of artefact off, nothing is ever due: the run counts
        as written up to ``at`` (nothing is rendered for it)."""
        if not moto_is_active():
            return
        wanted = self.backend.settings.artifacts
        if wanted.outputs or wanted.logs or wanted.events or wanted.cache_entries:
            self._noted[trail.run.id] = trail
            return
        if trail.written_at is None or trail.written_at < at:
            trail.written_at, trail.frontier = at, ()
        if trail.run.status in TERMINAL:
            self._open.pop(trail.run.id, None)

    @reacts_to(OutsideRead)
    def hand_over(self, _: OutsideRead) -> None:
        """Write into moto what is due by now and moto lacks: each noted run's objects and
        log events, run after run, then every event (runs' and other resources'), sorted
        as the control API's ``events`` view lists them, each after the outputs and logs."""
        noted, announced = self._noted, self._announced
        if not noted and not announced:
            return
        self._noted, self._announced = {}, []
        if not moto_is_active():
            return
        account, region = self.backend.account_id, self.backend.region
        now = self.backend.clock.now()
        rules = eventbridge.rules(account, region)
        envelopes: list[TimedEnvelope] = []
        writer = MotoWriter(account, region)
        plans = Plans()
        with gc_paused(len(noted) >= GC_PAUSE_RUNS, kept=True):
            try:
                for trail in noted.values():
                    self.write(trail, now, rules, envelopes, writer, plans)
            finally:
                writer.close()
            if rules:
                for position, entry in enumerate(announced):
                    envelope = bus.envelope(entry.event, entry.at, account, region, entry.seed)
                    envelopes.append((entry.at, entry.runs_before + 0.5, position, envelope))
                envelopes.sort(key=_WHEN_SENT)
                eventbridge.deliver(account, region, [e[3] for e in envelopes], rules)

    def write(
        self,
        trail: Trail,
        until: _dt.datetime,
        rules: list[Any],
        envelopes: list[TimedEnvelope],
        writer: MotoWriter,
        plans: Plans,
    ) -> None:
        """Write the run's items due by ``until`` that moto does not have yet (its events
        to ``envelopes``, when a rule could take them; rendered through ``plans``); come
        back when the next is due."""
        if trail.due is not None:
            trail.due.cancel()
            trail.due = None
        written = trail.written_at
        if written is not None and until < written:
            until = written
        due = Batches(written, trail.frontier, until)
        whole = plans.render(self.context(trail, rules), due, until)
        trail.written_at = until
        trail.frontier = tuple(due.frontier)
        if whole is not None:
            writer.put_ready(whole)
        else:
            writer.put(trail.run, due, envelopes if rules else None)
        later = due.later
        upcoming = next_window_start(trail.run, until)
        if upcoming is not None and (later is None or upcoming < later):
            later = upcoming
        if later is not None:
            trail.due = self.backend.scheduler.schedule(
                later, functools.partial(self._come_back, trail)
            )
        elif trail.run.status in TERMINAL:
            self._open.pop(trail.run.id, None)

    def _come_back(self, trail: Trail, at: _dt.datetime) -> None:
        trail.due = None
        self.note(trail, at)


_WHEN_SENT = operator.itemgetter(0, 1, 2)
"""An event's (at, run sequence, position)."""
