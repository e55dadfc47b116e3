"""The family that makes runs leave artefacts behind, and writes them to moto.

It follows every run from submission (a ``Trail``), answers whether a run can
export its outputs (``ExportVeto``), and, while moto's ``mock_aws`` is active,
writes each run's items into moto's S3, CloudWatch Logs and EventBridge with the
virtual time they are due at. Nothing reads moto while the simulation catches
up, so a run is written once per catch-up, when the scheduler has reached its
horizon (one scheduled event per run at most), or at once outside a catch-up
(a request's own changes); ``written_at`` and ``frontier`` make sure no item is
written twice. Without moto nothing is written: the control API renders a run's
items when asked (``items``). Events of other resources (batches, workflows,
run groups) are kept in ``journal`` and delivered as they happen, after the
items of every run not yet written up to that instant.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
from typing import Any

from ..batches.events import BatchStatusChanged
from ..kernel.events import reacts_to
from ..kernel.scheduler import Event
from ..kernel.state import Backend, Family
from ..outside import eventbridge, logs, s3_writes
from ..outside.s3 import moto_is_active
from ..run_caches.ops import RunCaches
from ..run_groups.events import RunGroupStatusChanged
from ..runs.events import ExportVeto, RunRemoved, RunStatusChanged, RunSubmitted
from ..runs.model import TERMINAL, Run
from ..workflows.events import WorkflowStatusChanged
from . import bus
from .context import RunContext
from .declared import Declared, declared_outputs
from .export import EXPORT_FAILED, EXPORT_FAILED_MESSAGE, has_engine_stream, split_s3
from .items import BusEvent, Item, LogEvent, S3Object, epoch_ms, order
from .journal import Journal
from .jsontext import compact
from .script import ArtifactSteering, Script
from .trail import next_window_start, render


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


class RunArtifacts(Family):
    """Artefacts of the runs of one account and Region."""

    key = "run_artifacts"
    SNAPSHOT_WIRING = ("_declared",)
    """A cache, filled again as runs are rendered: snapshots do not carry it."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.trails: dict[str, Trail] = {}
        self._open: dict[str, Trail] = {}
        """Trails of runs that have not ended (the moto writer brings them up to date
        before another resource's event, so that event comes after theirs)."""
        self.steering = backend.state.shared(ArtifactSteering)
        self.journal = Journal()
        self._declared: dict[tuple[str, str, str | None], Declared] = {}

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
        self.write_soon(trail, event.at)

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
            self.write_soon(trail, event.at)
        if run.status in TERMINAL and not moto_is_active():
            self._open.pop(run.id, None)

    @reacts_to(RunRemoved)
    def removed(self, event: RunRemoved) -> None:
        trail = self.trails.get(event.run.id)
        if trail is not None and trail.removed_at is None:
            trail.removed_at = event.at
            self.write_soon(trail, event.at)

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
        """An event of another resource (a batch, a workflow), sent as it happens."""
        if not self.backend.settings.artifacts.events:
            return
        entry = self.journal.add(event, at, len(self.trails))
        if moto_is_active():
            account, region = self.backend.account_id, self.backend.region
            rules = eventbridge.rules(account, region)
            for trail in list(self._open.values()):
                self.write(trail, at, rules)
            envelope = bus.envelope(event, at, account, region, entry.seed)
            eventbridge.deliver(account, region, [envelope], rules)

    # -- writing to moto -----------------------------------------------------------------------

    def write_soon(self, trail: Trail, at: _dt.datetime) -> None:
        """Write the run's items due by ``at``: now, or, while the simulation is catching
        up to a later time, once it has (one write per run and catch-up, not one per
        change; nothing reads moto in between)."""
        if not moto_is_active():
            return
        horizon = self.backend.scheduler.horizon
        if horizon is None or at >= horizon:
            self.write(trail, at)
        elif trail.due is None or trail.due.due > horizon:
            self._come_back_at(trail, horizon)

    def write(self, trail: Trail, until: _dt.datetime, rules: list[Any] | None = None) -> None:
        """Write the run's items due by ``until`` that moto does not have yet; come back
        when the next one is due (``rules``: the default bus's, when just read)."""
        if not moto_is_active():
            return
        if trail.due is not None:
            trail.due.cancel()
            trail.due = None
        written = trail.written_at
        if written is not None and until < written:
            until = written
        if rules is None:
            rules = eventbridge.rules(self.backend.account_id, self.backend.region)
        rendered = render(self.context(trail, rules), written, until)
        due, later, frontier = [], None, []
        written_keys = trail.frontier
        for item in rendered:
            at = item[0]
            if at > until:
                later = at if later is None or at < later else later
                continue
            if at == until:
                frontier.append(item[2])
            if written is None or at > written or item[2] not in written_keys:
                due.append(item)
        trail.written_at = until
        trail.frontier = tuple(frontier)
        if due:
            self._emit(trail.run, order(due), rules)
        upcoming = next_window_start(trail.run, until)
        if upcoming is not None and (later is None or upcoming < later):
            later = upcoming
        if later is not None:
            horizon = self.backend.scheduler.horizon
            self._come_back_at(
                trail, horizon if horizon is not None and later <= horizon else later
            )
        elif trail.run.status in TERMINAL:
            self._open.pop(trail.run.id, None)

    def _come_back_at(self, trail: Trail, due: _dt.datetime) -> None:
        if trail.due is not None:
            trail.due.cancel()
        trail.due = self.backend.scheduler.schedule(due, functools.partial(self._come_back, trail))

    def _come_back(self, trail: Trail, at: _dt.datetime) -> None:
        trail.due = None
        self.write(trail, at)

    def _emit(self, run: Run, items: list[Item], rules: list[Any]) -> None:
        """Put the items into moto: objects, then log events (one append per stream, in
        the order the streams first appear), then events for the rules."""
        account, region = self.backend.account_id, self.backend.region
        objects: list[S3Object] = []
        streams: dict[tuple[str, str], list[dict[str, Any]]] = {}
        events: list[Item] = []
        last_at, last_ms = None, 0
        last_group, last_stream, batch = None, None, []
        for item in items:
            payload = item[3]
            if type(payload) is LogEvent:
                at = item[0]
                if at != last_at:  # equal moments have equal epoch milliseconds
                    last_at, last_ms = at, epoch_ms(at)
                group, stream, message = payload
                if stream is not last_stream or group is not last_group:
                    key = (group, stream)
                    found = streams.get(key)
                    if found is None:
                        found = streams[key] = []
                    batch, last_group, last_stream = found, group, stream
                batch.append({"timestamp": last_ms, "message": message})
            elif type(payload) is S3Object:
                objects.append(payload)
            else:
                events.append(item)
        if objects:
            s3_writes.put(account, region, objects)
        if streams:
            logs.put_streams(account, region, streams)
        if events and rules:
            envelopes = [
                bus.envelope(i.payload, i.at, account, region, f"{run.uuid}/{i.key}")
                for i in events
                if isinstance(i.payload, BusEvent)
            ]
            eventbridge.deliver(account, region, envelopes, rules)
