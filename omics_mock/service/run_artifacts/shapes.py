"""What runs of one shape share, and what each has of its own (its variables).

A run's shape holds every field of the run and of its request that rendering could
read, by value, except its variables: the IDs and uuids the service made for it and
its tasks, its request token, and its name and parameter values when they are plain
(letters, digits, ``._-``; at least four characters) or a parameter's ``s3://`` URI of
such characters, of which the shape keeps the kind, the length and which earlier one
each equals (an S3 URI's MD5 is a variable of its own); and its times, of which it
keeps the offsets from the run's start. A probe is a copy of a run whose variables are
stand-ins (``QBQJJJJ``, ``s3://QCQJJJJ``) and whose times are moved far away:
rendering it shows where each variable lands (``plans``).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import operator
import re
from typing import Any

from ..runs.model import TERMINAL, Run
from ..runs.tasks import Task
from ..runs.timeline import tasks_at
from .context import RunContext

SHIFT = _dt.timedelta(days=4001, seconds=4000, milliseconds=7)
"""How far a probe's times are moved (whole milliseconds, so texts keep their form)."""

MILLISECOND = _dt.timedelta(milliseconds=1)

_PLAIN = re.compile(r"[A-Za-z0-9._-]{4,}")
"""A request value that can be a variable: written as it is wherever it is written."""

_CODES = "BCDFGHKLMNPRSTVWXZ"

# Every field of ``Run``, by what a shape keeps of it. A field missing here turns
# plans off (``_fields_known``), so a new field is never silently left out.
_BY_VALUE = (
    "account_id",
    "region",
    "outcome",
    "priority",
    "run_group_id",
    "retention_mode",
    "storage_type",
    "storage_capacity",
    "cache_behavior",
    "source_run_id",
    "status",
    "end_status",
    "status_message",
    "failure_reason",
    "removed",
    "run_id_output_uri",
    "engine_log_stream",
)
_BY_IDENTITY = ("workflow", "version", "configuration", "templates")
"""Kept by identity: alive while the hand-over lasts, and a definition's templates are one
tuple for all its runs (cheaper to key on than to hash)."""
_TIMES = (
    "start_time",
    "stop_time",
    "running_since",
    "starting_since",
    "stopping_since",
    "ended_work_at",
)
_SPECIAL = ("id", "arn", "uuid", "creation_time", "request", "timing", "tasks")
"""Variables, or kept in their own way (``shape_key``)."""
_UNPLANNED_UNLESS_EMPTY = ("cache_id", "cache_hits", "cache_entries")
_UNREAD = ("batch_id", "tags", "held", "next_event", "sequence", "rendered")
"""Not read by rendering without bus events (``sequence`` orders events only)."""

_values_of = operator.attrgetter(*_BY_VALUE)
_identities_of = operator.attrgetter(*_BY_IDENTITY)
times_of = operator.attrgetter(*_TIMES)

_TASK_FIELDS = (
    "id",
    "uuid",
    "template",
    "index",
    "window_start",
    "window_end",
    "cache_hit",
    "cache_s3_uri",
)
"""Every field of ``Task``: a shape keeps them all but the IDs (variables)."""


def _fields_known() -> bool:
    named = {f.name for f in dataclasses.fields(Run)}
    listed = _BY_VALUE + _BY_IDENTITY + _TIMES + _SPECIAL + _UNPLANNED_UNLESS_EMPTY + _UNREAD
    task_fields = tuple(f.name for f in dataclasses.fields(Task))
    return named == set(listed) and len(listed) == len(named) and task_fields == _TASK_FIELDS


FIELDS_KNOWN = _fields_known()


def shape_of(
    ctx: RunContext, until: _dt.datetime
) -> tuple[Any, tuple[int, int], list[str], list[Kind]] | None:
    """The run's shape, its phases (where in their millisecond it was created and started),
    its variables and their kinds (the same for every run of the shape); ``None`` when
    the run is not planned."""
    run = ctx.run
    stop = run.stop_time
    if (
        ctx.events
        or ctx.removed_at is not None
        or ctx.cache_stream is not None
        or run.status not in TERMINAL
        or stop is None
        or until < stop
        or run.cache_id is not None
        or run.cache_hits
        or run.cache_entries
        or not run.arn.endswith("/" + run.id)
    ):
        return None
    if run.running_since is not None:
        tasks_at(run, until, ctx.ids)  # as rendering would: the tasks are variables too
    created = run.creation_time
    started = run.starting_since or created
    waited = started - created
    variables = [run.id, run.uuid]
    tasks = []
    for task in run.tasks:
        variables += (task.id, task.uuid)
        tasks.append(
            (
                id(task.template),
                task.index,
                task.window_start - started,
                task.window_end - started,
                task.cache_hit,
                task.cache_s3_uri,
            )
        )
    kinds: list[Kind] = [(ID, index, len(value)) for index, value in enumerate(variables)]
    request = _request_shape(run.request, variables, kinds)
    timing = run.timing
    key = (
        waited if waited < MILLISECOND else None,  # as far apart as the shape's moments
        id(ctx.declared),
        id(ctx.script),
        ctx.logs,
        _values_of(run),
        tuple(id(value) for value in _identities_of(run)),
        tuple(None if at is None else at - started for at in times_of(run)),
        (timing.pending, timing.starting, timing.running, timing.stopping, timing.task),
        tuple(tasks),
        request,
    )
    return key, (created.microsecond % 1000, started.microsecond % 1000), variables, kinds


def _request_shape(request: dict[str, Any], variables: list[str], kinds: list[Kind]) -> Any:
    """The request with its variables (its name, token and parameter values that are
    written as they are) added to ``variables``, each with its kind (``kinds``); the
    shape keeps their kind, length, and which earlier one each equals."""
    shape: list[tuple[str, Any]] = []
    first_of: dict[str, int] = {}
    base = len(variables)

    def variable(value: str, kind: str) -> tuple[str, str, int, int]:
        first = first_of.setdefault(value, len(variables))
        variables.append(value)
        kinds.append((kind, first, len(value)))
        return ("variable", kind, len(value), first - base)

    for name, value in request.items():
        kind = _variable_kind(name, value)
        if kind is not None:
            shape.append((name, variable(value, kind)))
        elif name == "parameters" and type(value) is dict:
            parameters = []
            for key, item in value.items():
                kind = _variable_kind("", item)
                parameters.append((key, variable(item, kind) if kind else _frozen(item)))
            shape.append((name, tuple(parameters)))
        else:
            shape.append((name, _frozen(value)))
    for index in range(base, len(variables)):
        if kinds[index][0] == S3 and kinds[index][1] == index:
            variables.append(_digest(variables[index]))
            kinds.append((DIGEST, index, 32))
    return tuple(shape)


def _variable_kind(name: str, value: Any) -> str | None:
    """Whether a request value (``name``: its key at the top, else "") is a variable, and
    of which kind: the run's name, its request token or a parameter's value, plain and at
    least four characters long; or a parameter's ``s3://`` URI of such characters."""
    if name not in _VARIABLE_KEYS or type(value) is not str:
        return None
    if _PLAIN.fullmatch(value):
        return PLAIN
    if not name and _S3_URI.fullmatch(value):
        return S3
    return None


_VARIABLE_KEYS = frozenset({"name", "requestId", ""})
_S3_URI = re.compile(r"s3://[A-Za-z0-9._/-]{4,}")
"""A parameter's S3 URI a variable can be: rendering writes it as it is, lists it among
the run's inputs, and writes the MD5 of it (a ``DIGEST`` variable of its own)."""

Kind = tuple[str, int, int]
"""A variable's kind, the variable it equals (itself, or the first equal one; for a
``DIGEST``, the URI it is of), and its length."""
ID, PLAIN, S3, DIGEST = "id", "plain", "s3", "digest"


def _digest(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def stand_ins(kinds: list[Kind]) -> list[str]:
    """The probe's values of the variables (``""`` for one too short to stand in for)."""
    names: list[str] = []
    for index, (kind, first, length) in enumerate(kinds):
        if kind == DIGEST:
            names.append(_digest(names[first]))
        elif first != index:
            names.append(names[first])
        elif kind == S3:
            rest = stand_in(index, length - len("s3://"))
            names.append("s3://" + rest if rest else "")
        else:
            names.append(stand_in(index, length))
    return names


def _frozen(value: Any) -> Any:
    """``value`` as a key: containers as tuples, scalars with their type (``1``,
    ``1.0`` and ``True`` are equal keys but written differently)."""
    if type(value) is dict:
        return (dict, tuple((key, _frozen(item)) for key, item in value.items()))
    if type(value) in (list, tuple):
        return (list, tuple(_frozen(item) for item in value))
    return (type(value), value)


def stand_in(index: int, length: int) -> str:
    """The probe's value of variable ``index``: ``Q<code>Q`` then ``J``s, ``length`` long
    (no stand-in holds another, and none is anything rendering writes by itself)."""
    code = ""
    while True:
        index, digit = divmod(index, len(_CODES))
        code = _CODES[digit] + code
        if not index:
            break
    text = "Q" + code + "Q"
    return text + "J" * (length - len(text)) if len(text) <= length else ""


def probe(run: Run, names: list[str]) -> Run:
    """A copy of ``run`` with the variables' stand-ins, its times moved by ``SHIFT``."""
    value = iter(names)
    run_id, uuid = next(value), next(value)
    tasks = [
        dataclasses.replace(
            task,
            id=next(value),
            uuid=next(value),
            window_start=task.window_start + SHIFT,
            window_end=task.window_end + SHIFT,
        )
        for task in run.tasks
    ]
    request: dict[str, Any] = {}
    for name, item in run.request.items():  # in the order ``_request_shape`` takes them
        if _variable_kind(name, item):
            request[name] = next(value)
        elif name == "parameters" and type(item) is dict:
            request[name] = {
                key: next(value) if _variable_kind("", inner) else inner
                for key, inner in item.items()
            }
        else:
            request[name] = item
    moved: dict[str, Any] = {name: _moved(getattr(run, name)) for name in _TIMES}
    return dataclasses.replace(
        run,
        id=run_id,
        arn=run.arn[: -len(run.id)] + run_id,
        uuid=uuid,
        creation_time=run.creation_time + SHIFT,
        request=request,
        tasks=tasks,
        **moved,
    )


def _moved(at: _dt.datetime | None) -> _dt.datetime | None:
    return None if at is None else at + SHIFT
