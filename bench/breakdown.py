"""Where omics-mock's own time goes on GetRun and StartRun.

Two views, both in one process:

* **in-situ timers**: for the length of the measurement, the pipeline's
  functions are wrapped (at run time, in this process only) with timers, and
  real boto3 calls are made, interleaved call by call with the canned floor.
  Each layer's share is a difference of nested timers, e.g. interception =
  the ``Endpoint._send`` patch minus ``Pipeline.handle_operation``. Timing
  the steps inside real calls matters: the same code in a tight loop runs
  2 to 3 times faster than between botocore's own work (warm CPU caches), so
  loop timings would understate every share;
* **cProfile** of the whole calls, to rank the functions inside the backend
  handlers. cProfile inflates code that makes many small calls, so its
  percentages rank hot spots rather than measure them.

This module reaches into omics-mock's internals (names in
``omics_mock.protocol`` and ``omics_mock.backend``): a name that has moved is
reported as missing rather than failing the benchmark.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from .calls import CREDENTIALS, WRITER_CREDENTIALS, floor_client
from .common import (
    REGION,
    Canned,
    Case,
    Group,
    capture,
    create_active_workflow,
    start_run_request,
    time_group,
)


class Timers:
    """Wrap functions with timers; ``restore`` puts the originals back."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self.missing: list[str] = []
        self._undo: list[Callable[[], None]] = []

    def _timed(self, original: Callable[..., Any], label: str) -> Callable[..., Any]:
        totals, counts, clock = self.totals, self.counts, time.perf_counter

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] += clock() - start
                counts[label] += 1

        return timed

    def attribute(self, owner: Any, name: str, label: str) -> None:
        """Time ``owner.name`` (a module function or a class's method)."""
        try:
            original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        except (AttributeError, KeyError):
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
            return
        setattr(owner, name, self._timed(original, label))
        self._undo.append(lambda: setattr(owner, name, original))

    def item(self, mapping: dict[str, Any], key: str, label: str) -> None:
        original = mapping.get(key)
        if original is None:
            self.missing.append(f"[{key}]")
            return
        mapping[key] = self._timed(original, label)
        self._undo.append(lambda: mapping.__setitem__(key, original))

    def handler(self, handlers: dict[str, Any], key: str, label: str) -> None:
        """Time a backend's handler of one operation (entries are (handler, render))."""
        entry = handlers.get(key)
        if entry is None:
            self.missing.append(f"[{key}]")
            return
        handlers[key] = (self._timed(entry[0], label), *entry[1:])
        self._undo.append(lambda: handlers.__setitem__(key, entry))

    def reset(self) -> None:
        self.totals.clear()
        self.counts.clear()

    def restore(self) -> None:
        while self._undo:
            self._undo.pop()()


def _wrapper_cost(rounds: int = 5, n: int = 20_000) -> float:
    """Seconds one timer wrapper adds to a call (hot loop: a lower bound)."""
    timers = Timers()

    def nothing() -> None:
        return None

    wrapped = timers._timed(nothing, "calibration")
    clock = time.perf_counter
    costs = []
    for _ in range(rounds):
        start = clock()
        for _ in range(n):
            nothing()
        bare = clock() - start
        start = clock()
        for _ in range(n):
            wrapped()
        costs.append((clock() - start - bare) / n)
    return statistics.median(costs)


def _install(
    timers: Timers, backends: list[Any], specs: list[Any], validators: Any, answering: Any
) -> None:
    import botocore.endpoint
    import botocore.signers

    from omics_mock.harness import interception
    from omics_mock.service.kernel import clock, idempotency, ids, scheduler, state
    from omics_mock.service.runs import model, ops, planning, simulation, steering
    from omics_mock.wire import pipeline, serialize

    timers.attribute(botocore.endpoint.Endpoint, "_send", "on_before_send")
    timers.attribute(interception.Interceptor, "_use_offline_credentials", "on_before_sign")
    timers.attribute(pipeline.Pipeline, "handle_operation", "handle_operation")
    timers.attribute(pipeline, "_match_template", "path match")
    timers.attribute(pipeline, "parse_request", "parsing")
    timers.attribute(pipeline, "request_context", "request context")
    timers.attribute(pipeline, "serialize_output", "serialisation")
    timers.attribute(serialize, "_dumps", "serialisation: JSON encode (incl. timestamps)")
    timers.attribute(answering, "_invoke", "Environment.invoke")  # bound when the pipeline is made
    timers.attribute(answering, "_observe", "door: request log")
    timers.attribute(state.Backend, "call", "OmicsBackend.call")
    timers.attribute(scheduler.Scheduler, "run_due", "scheduler catch-up")
    timers.attribute(clock.VirtualClock, "now", "clock.now")
    timers.attribute(ops.Runs, "plan", "StartRun: plan_run (rules, parameters)")
    timers.attribute(ops.Runs, "create", "StartRun: Runs.create (run object, store, simulation)")
    timers.attribute(simulation.RunSimulation, "submit", "StartRun: simulation.submit")
    timers.attribute(idempotency.IdempotencyIndex, "lookup", "StartRun: idempotency")
    timers.attribute(idempotency.IdempotencyIndex, "remember", "StartRun: idempotency")
    timers.attribute(model.Run, "to_start_output", "StartRun: start_output")
    timers.attribute(planning, "_check_parameters", "StartRun: parameter check (json.dumps size)")
    timers.attribute(ids.IdAllocator, "uuid", "StartRun: uuid4")
    timers.attribute(ids.IdAllocator, "numeric", "StartRun: numeric id")
    timers.attribute(steering.RunSteering, "timing_for", "StartRun: timing_for")
    timers.attribute(model.Run, "to_get_output", "GetRun: get_run_output")
    for operation in ("GetRun", "StartRun"):  # bound at a backend's first request of each
        bound = [h for h in (getattr(b, "_handlers", {}) for b in backends) if operation in h]
        for handlers in bound or [{}]:
            timers.handler(handlers, operation, "backend handler")
    for spec in specs:
        spec.validator(validators)  # compiled now, so the wrapper replaces the compiled check
        timers.attribute(spec, "_validator", "validation")


def _layers(per_call: dict[str, float], whole_floor: float, whole_mock: float) -> dict[str, float]:
    """Seconds per call of each layer, from nested timers."""
    get = per_call.get
    send, handle = get("on_before_send", 0.0), get("handle_operation", 0.0)
    invoke, call, handler = (
        get("Environment.invoke", 0.0),
        get("OmicsBackend.call", 0.0),
        get("backend handler", 0.0),
    )
    steps = ("path match", "parsing", "validation", "request context", "serialisation")
    layers = {
        "whole call, floor": whole_floor,
        "whole call, omics-mock": whole_mock,
        "own work (difference)": whole_mock - whole_floor,
        "own work, timed in situ (on_before_send + on_before_sign)": send
        + get("on_before_sign", 0.0),
        "interception: on_before_send minus handle_operation": send - handle,
        "interception: before-sign hook": get("on_before_sign", 0.0),
        "path match (urlsplit not included)": get("path match", 0.0),
        "parsing": get("parsing", 0.0),
        "validation": get("validation", 0.0),
        "request context (SigV4 scope)": get("request context", 0.0),
        "door: account, faults": invoke - call,
        "door: request log": get("door: request log", 0.0),
        "backend: lock, clock, scheduler catch-up": call - handler,
        "backend handler": handler,
        "serialisation": get("serialisation", 0.0),
        "pipeline glue (handle_operation minus its steps)": handle
        - invoke
        - sum(get(s, 0.0) for s in steps),
    }
    for name, value in sorted(per_call.items()):
        if ": " in name:
            layers[f"  of which {name}"] = value
    layers["  clock.now (all callers)"] = get("clock.now", 0.0)
    layers["  scheduler catch-up"] = get("scheduler catch-up", 0.0)
    return layers


def _cprofile(call: Callable[[], Any], n: int, top: int) -> dict[str, Any]:
    """cProfile ``n`` whole calls; omics-mock functions ranked by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        call()
    profiler.disable()
    raw: dict[Any, Any] = pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    ours = sorted(
        ((key, entry) for key, entry in raw.items() if "omics_mock" in key[0]),
        key=lambda item: item[1][2],
        reverse=True,
    )
    send = sum(
        entry[3] for key, entry in raw.items() if key[2] == "_send" and "omics_mock" in key[0]
    )
    return {
        "calls": n,
        "top": [
            {
                "function": f"{key[0].split('omics_mock/')[-1]}:{key[1]}({key[2]})",
                "calls_per_call": entry[1] / n,
                "own_share": entry[2] / send if send else 0.0,
                "cumulative_share": entry[3] / send if send else 0.0,
            }
            for key, entry in ours[:top]
        ],
    }


def measure(rounds: int, n: int, profile_calls: int, top: int = 12) -> dict[str, Any]:
    import boto3

    from omics_mock import mock_omics
    from omics_mock.harness.interception import INTERCEPTOR

    session = boto3.session.Session(region_name=REGION, **CREDENTIALS)
    out: dict[str, Any] = {"wrapper_cost": _wrapper_cost()}
    with mock_omics() as mock:
        reader = session.client("omics")
        writer = session.client("omics", **WRITER_CREDENTIALS)
        workflow = create_active_workflow(reader)
        run_id = reader.start_run(**start_run_request(workflow))["id"]
        mock.clock.advance(days=1)
        writer_workflow = create_active_workflow(writer)
        mock.runs.set_durations(workflow_id=writer_workflow, pending=365 * 86400)
        counter = iter(range(10**9))

        def get_run(client: Any) -> Callable[[], Any]:
            return lambda: client.get_run(id=run_id)

        def start_run(client: Any) -> Callable[[], Any]:
            return lambda: client.start_run(**start_run_request(writer_workflow, next(counter)))

        canned = Canned("before-send.omics")
        canned.answers["GetRun"] = capture(reader, get_run(reader))
        canned.answers["StartRun"] = capture(writer, start_run(writer))
        floor_reader = floor_client(session, "omics", canned)
        floor_writer = floor_client(session, "omics", canned, **WRITER_CREDENTIALS)
        groups = {
            "GetRun": Group(
                [Case("floor", get_run(floor_reader)), Case("omics-mock", get_run(reader))], n
            ),
            "StartRun": Group(
                [Case("floor", start_run(floor_writer)), Case("omics-mock", start_run(writer))], n
            ),
        }

        timers = Timers()
        state = mock._door.state
        backends = [
            state.backend(None, REGION),
            state.backend(WRITER_CREDENTIALS["aws_access_key_id"], REGION),
        ]
        protocol = INTERCEPTOR.pipeline
        specs = [protocol.spec.operations["GetRun"], protocol.spec.operations["StartRun"]]
        per_round: dict[str, list[dict[str, float]]] = {"GetRun": [], "StartRun": []}
        try:
            try:
                _install(timers, backends, specs, protocol.spec.validators, protocol)
            except (AttributeError, ImportError, KeyError) as moved:  # time what could be wrapped
                timers.missing.append(f"{type(moved).__name__}: {moved}")
            for _ in range(rounds):
                for operation, group in groups.items():
                    timers.reset()
                    time_group(group)
                    floor, mine = group.cases[0].samples[-1], group.cases[1].samples[-1]
                    # +1: the untimed warm-up call of the round also ran through the timers
                    per_call = {name: total / (n + 1) for name, total in timers.totals.items()}
                    per_round[operation].append(_layers(per_call, floor, mine))
        finally:
            timers.restore()
        out["missing"] = timers.missing
        out["layers"] = {
            operation: {name: statistics.median(r[name] for r in rounds_) for name in rounds_[0]}
            for operation, rounds_ in per_round.items()
        }
        out["cprofile"] = {
            "GetRun": _cprofile(get_run(reader), profile_calls, top),
            "StartRun": _cprofile(start_run(writer), profile_calls, top),
        }
    return out
