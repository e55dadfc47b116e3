"""What a run has written so far, read back without moto (the control API's views).

Items are rendered from the runs when asked (``RunArtifacts.items``) and merged
with the journal of other resources' events. Each view is what moto would hold
had it been active all along.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

from ..kernel.state import Backend, ServiceState
from . import bus
from .items import BusEvent, LogEvent, S3Object, epoch_ms
from .ops import RunArtifacts, Trail


def trail_of(
    state: ServiceState, run_id: str, account_id: str | None, region: str | None
) -> tuple[Backend, Trail]:
    """The trail of a run (deleted ones too) in any account and Region of the mock."""
    found = []
    for backend in state.backends():
        if account_id is not None and backend.account_id != account_id:
            continue
        if region is not None and backend.region != region:
            continue
        with backend.lock:
            backend.catch_up()
            trail = backend.get(RunArtifacts).trails.get(run_id)
        if trail is not None:
            found.append((backend, trail))
    if not found:
        raise KeyError(f"no run {run_id} in this mock")
    if len(found) > 1:
        raise KeyError(
            f"run {run_id} exists in several accounts/Regions; pass account_id and region"
        )
    return found[0]


def _runs(backend: Backend, run_id: str | None) -> Iterable[Trail]:
    trails = backend.get(RunArtifacts).trails
    if run_id is None:
        return list(trails.values())
    trail = trails.get(run_id)
    return [] if trail is None else [trail]


def objects(backend: Backend, run_id: str | None = None) -> dict[str, bytes]:
    """Objects the runs wrote, by S3 URI, as they stand now (later writes win)."""
    now = backend.clock.now()
    family = backend.get(RunArtifacts)
    found: dict[str, bytes] = {}
    with backend.lock:
        backend.catch_up()
        for trail in _runs(backend, run_id):
            for item in family.items(trail, now):
                if isinstance(item.payload, S3Object):
                    found[item.payload.uri] = item.payload.body
    return found


def log_events(backend: Backend, run_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Log events by stream name (``timestamp`` in epoch ms, ``message``), oldest first."""
    now = backend.clock.now()
    family = backend.get(RunArtifacts)
    streams: dict[str, list[tuple[_dt.datetime, int, str]]] = {}
    with backend.lock:
        backend.catch_up()
        for trail in _runs(backend, run_id):
            for item in family.items(trail, now):
                if isinstance(item.payload, LogEvent):
                    streams.setdefault(item.payload.stream, []).append(
                        (item.at, trail.run.sequence, item.payload.message)
                    )
    return {
        name: [
            {"timestamp": epoch_ms(at), "message": message}
            for at, _, message in sorted(events, key=lambda e: (e[0], e[1]))
        ]
        for name, events in sorted(streams.items())
    }


def bus_events(backend: Backend, run_id: str | None = None) -> list[dict[str, Any]]:
    """Events as EventBridge delivers them, oldest first."""
    now = backend.clock.now()
    family = backend.get(RunArtifacts)
    timed: list[tuple[_dt.datetime, float, int, dict[str, Any]]] = []
    account, region = backend.account_id, backend.region
    with backend.lock:
        backend.catch_up()
        for trail in _runs(backend, run_id):
            for n, item in enumerate(family.items(trail, now)):
                if isinstance(item.payload, BusEvent):
                    seed = f"{trail.run.uuid}/{item.key}"
                    envelope = bus.envelope(item.payload, item.at, account, region, seed)
                    timed.append((item.at, trail.run.sequence, n, envelope))
        if run_id is None:
            for n, entry in enumerate(family.journal.entries):
                if entry.at <= now:
                    envelope = bus.envelope(entry.event, entry.at, account, region, entry.seed)
                    timed.append((entry.at, entry.runs_before + 0.5, n, envelope))
    return [envelope for *_, envelope in sorted(timed, key=lambda t: t[:3])]
