"""Everything one run writes, as timed items (``items``), from the run's own history.

A run's artefacts follow from what it did: its phase times, its tasks'
windows, how it ended, and the content scripted for it. Rendering them again
gives the same items, so the control API renders them when asked (nothing is
kept per run) and the moto writer renders what became due since it last wrote.
The planned future of a run still running is rendered too (its tasks that have
appeared), so the writer knows when to come back.
"""

from __future__ import annotations

import datetime as _dt
import functools

from ..runs.model import FAILED, TERMINAL, Run
from ..runs.tasks import Task
from ..runs.timeline import task_transitions, task_windows, tasks_at
from . import bus, content, manifest
from .context import Collector, RunContext, RunLog, Sink
from .export import export_items
from .items import RANK_END, RANK_START, RANK_TASKS, Item
from .jsontext import quoted
from .run_log import end_lines, fixed_start_lines, input_lines, task_entry

Transitions = list[tuple[str, _dt.datetime]]


def render(ctx: RunContext, since: _dt.datetime | None, until: _dt.datetime) -> list[Item]:
    """The run's items due at or after ``since`` (all when ``None``), with the planned
    future of the tasks that have appeared by ``until``; not sorted (``items.order``)."""
    out = Collector(since)
    render_into(ctx, out, until)
    return out.items


def render_into(ctx: RunContext, out: Sink, until: _dt.datetime) -> None:
    """Put the run's items due at or after ``out.since`` into ``out``, with the planned
    future of the tasks that have appeared by ``until``, in no particular order."""
    run = ctx.run
    logs = ctx.logs
    events = ctx.events
    run_stream = f"run/{run.id}"

    def run_log(at: _dt.datetime, rank: int, key: str, text: str) -> None:
        if logs:
            out.log(at, rank, "rl:" + key, run_stream, text)

    for status, at in (
        ("PENDING", run.creation_time),
        ("STARTING", run.starting_since),
        ("RUNNING", run.running_since),
    ):
        if at is None or not out.wants(at):
            continue
        if events:
            out.add(at, RANK_START, "ev:" + status, bus.run_event(run, status))
        if logs:
            out.lines(at, RANK_START, run_stream, _keyed_start_lines(run, status))
    seen: dict[int, Transitions] = {}
    tasks = None
    if run.running_since is not None:
        tasks = tasks_at(run, until, ctx.ids)
        _tasks(ctx, out, tasks, seen)
    if run.stopping_since is not None and out.wants(run.stopping_since):
        at = run.stopping_since
        if events:
            out.add(at, RANK_END, "ev:STOPPING", bus.run_event(run, "STOPPING"))
        if logs:
            out.lines(at, RANK_END, run_stream, _keyed_end_lines(run, "STOPPING"))
    if run.status in TERMINAL and run.stop_time is not None and out.wants(run.stop_time):
        _end(ctx, out, run_log, seen, tasks if until >= run.stop_time else None)
    if ctx.removed_at is not None and events:
        out.add(ctx.removed_at, RANK_END, "ev:DELETED", bus.run_event(run, "DELETED"))


def next_window_start(run: Run, after: _dt.datetime) -> _dt.datetime | None:
    """When the next task that has not appeared by ``after`` appears (none once the run
    has stopped: every task appears before its work stops, and stopping comes after)."""
    if run.running_since is None or (run.stop_time is not None and after >= run.stop_time):
        return None
    for _, start, _ in task_windows(run):
        if start > after:
            return start
    return None


def _tasks(ctx: RunContext, out: Sink, tasks: list[Task], seen: dict[int, Transitions]) -> None:
    """Each task's moments (in the run log, and as events) and its own log and cache line
    (``tasks``: those that have appeared by the rendering's ``until``)."""
    run = ctx.run
    events, logs = ctx.events, ctx.logs
    since = out.since
    add, log = out.add, out.log
    run_stream = f"run/{run.id}"
    for task in tasks:
        if since is not None and task.window_end < since:
            continue
        transitions = seen[task.index] = task_transitions(run, task)
        if task.cache_hit:
            transitions = transitions[-1:]
        arn = ctx.arn(f"task/{task.id}") if events else ""
        plan = _task_plan(task.index, task.template.name)
        task_id = quoted(task.id)[1:-1]
        for status, at in transitions:
            if since is not None and at < since:
                continue
            event_key, line_key, around = plan[status]
            if events:
                add(at, RANK_TASKS, event_key, bus.task_event(run, arn, status))
            if logs and around is not None:
                log(at, RANK_TASKS, line_key, run_stream, around[0] + task_id + around[1])
        if logs and ctx.cache_stream is not None and out.wants(task.window_start):
            text = _cache_line(run, task)
            out.log(task.window_start, RANK_TASKS, f"cache:t{task.index}", ctx.cache_stream, text)
        if logs and not task.cache_hit:
            _task_stream(ctx, out, task, transitions)


@functools.lru_cache(maxsize=1024)
def _task_plan(index: int, name: str) -> dict[str, tuple[str, str, tuple[str, str] | None]]:
    """What a task's moments write, by status: the key of its event
    (``ev:t<index>:<status>``), the key of its run-log line (``rl:t<index>:<status>``),
    and that line before and after the task's ID (``None``: no line for the status)."""
    return {
        status: (f"ev:t{index}:{status}", f"rl:t{index}:{status}", task_entry(status, name))
        for status in _STATUSES
    }


def _keyed_start_lines(run: Run, status: str) -> tuple[tuple[str, str], ...]:
    """The run-log lines of a run status before its tasks, each with its key
    (``rl:<status>:<n>``): the fixed ones, then RUNNING's about the run's inputs."""
    fixed = _keyed(fixed_start_lines(status), status)
    if status != "RUNNING":
        return fixed
    inputs = input_lines(run, status)
    if not inputs:
        return fixed
    return fixed + tuple((f"rl:{status}:{n}", text) for n, text in enumerate(inputs, len(fixed)))


def _keyed_end_lines(run: Run, status: str) -> tuple[tuple[str, str], ...]:
    """The run-log lines of STOPPING or of the run's end, each with its key."""
    return _keyed(tuple(end_lines(run, status)), status)


@functools.lru_cache(maxsize=256)
def _keyed(lines: tuple[str, ...], status: str) -> tuple[tuple[str, str], ...]:
    """Run-log lines of a run status with their keys (``rl:<status>:<n>``)."""
    return tuple((f"rl:{status}:{n}", text) for n, text in enumerate(lines))


@functools.lru_cache(maxsize=256)
def _keys(prefix: str, count: int) -> tuple[str, ...]:
    """``<prefix><n>`` for each of ``count`` lines."""
    return tuple(f"{prefix}{n}" for n in range(count))


_STATUSES = ("PENDING", "STARTING", "RUNNING", "STOPPING", "COMPLETED", "FAILED", "CANCELLED")


def _task_stream(ctx: RunContext, out: Sink, task: Task, transitions: Transitions) -> None:
    """The task's own log: its first line when it starts running, the others (and, for a
    failed task, the failure lines) when it stops (lines are known once it has run)."""
    final, stop = transitions[-1]
    if not out.wants(stop):
        return
    running_at = _running_at(transitions)
    if running_at is None:
        return
    run = ctx.run
    stream = f"run/{run.id}/task/{task.id}"
    name = task.template.name
    lines = content.task_lines(ctx.script, name, task.id, task.template)
    if final == FAILED:
        lines += content.failure_lines(run, ctx.script, name)
    if lines:
        keys = _stream_keys(task.index, len(lines))
        out.log(running_at, RANK_TASKS, keys[0], stream, lines[0])
        out.lines(stop, RANK_TASKS, stream, zip(keys[1:], lines[1:], strict=True))


@functools.lru_cache(maxsize=256)
def _stream_keys(index: int, count: int) -> tuple[str, ...]:
    """``tl<index>:<n>``: the keys of a task's own log lines."""
    return _keys(f"tl{index}:", count)


def _running_at(transitions: Transitions) -> _dt.datetime | None:
    for status, at in transitions:
        if status == "RUNNING":
            return at
    return None


def _cache_line(run: Run, task: Task) -> str:
    if task.cache_hit:
        entry = (task.cache_s3_uri or "").rstrip("/").rsplit("/", 1)[-1]
        message = f"Cache hit for run: {run.id}, task: {task.id}, cacheEntry: {entry}"
        return f'{{"logMessage": "CACHE_HIT", "message": {quoted(message)}}}'
    message = f"Cache miss for run: {run.id}, task: {task.id}"
    return f'{{"logMessage": "CACHE_MISS", "message": {quoted(message)}}}'


def task_ends(
    run: Run, tasks: list[Task], seen: dict[int, Transitions] | None = None
) -> list[manifest.TaskEnd]:
    """Each task with its final status, startTime and stopTime (``seen``: transitions
    already worked out, by task index)."""
    ends: list[manifest.TaskEnd] = []
    for task in tasks:
        transitions = seen.get(task.index) if seen is not None else None
        if transitions is None:
            transitions = task_transitions(run, task)
        final, stop = transitions[-1]
        start = None if task.cache_hit else _running_at(transitions)
        ends.append((task, final, start, stop))
    return ends


def _end(
    ctx: RunContext,
    out: Sink,
    run_log: RunLog,
    seen: dict[int, Transitions],
    appeared: list[Task] | None,
) -> None:
    """The run's last items (``appeared``: its tasks that have appeared by a moment at or
    after its end, when known; those are all it has, every task appears before the end)."""
    run = ctx.run
    at = run.stop_time
    assert at is not None
    if run.running_since is None:
        tasks = []
    elif appeared is not None:
        tasks = [task for task in appeared if task.window_start <= at]
    else:
        tasks = tasks_at(run, at, ctx.ids)
    ends = task_ends(run, tasks, seen)
    export_items(ctx, out, ends, run_log)
    if ctx.logs:
        stream = f"manifest/run/{run.id}/{run.uuid}"
        lines = [manifest.run_line(run, run.workflow.arn, ctx.arn, ctx.declared.parameter_template)]
        lines += manifest.task_lines(run, ends, ctx.arn)
        out.lines(at, RANK_END, stream, zip(_keys("mf:", len(lines)), lines, strict=True))
        out.lines(at, RANK_END, f"run/{run.id}", _keyed_end_lines(run, run.status))
    if ctx.events:
        out.add(at, RANK_END, f"ev:{run.status}", bus.run_event(run, run.status))
