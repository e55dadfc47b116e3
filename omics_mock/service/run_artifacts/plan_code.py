"""A plan: the calls rendering makes for a shape, with holes for each run's variables
and moments, as Python made once per shape (``compile_plan``)."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..runs.model import LOG_GROUP, Run
from .context import Sink
from .items import Payload, S3Object, at_epoch_us, epoch_us, iso_ms
from .shapes import MILLISECOND, times_of
from .to_moto import Ready

Call = tuple[Any, ...]
"""A call rendering made on its sink: (kind, at, rank, key, stream, text or payload)."""
ADD, LOG, LINES = 0, 1, 2


class Recorder:
    """A sink keeping every call rendering makes (a full rendering: ``since`` is None)."""

    since: _dt.datetime | None = None

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def wants(self, at: _dt.datetime) -> bool:
        return True

    def add(self, at: _dt.datetime, rank: int, key: str, payload: Payload) -> None:
        self.calls.append((ADD, at, rank, key, None, payload))

    def log(self, at: _dt.datetime, rank: int, key: str, stream: str, text: str) -> None:
        self.calls.append((LOG, at, rank, key, stream, text))

    def lines(
        self, at: _dt.datetime, rank: int, stream: str, keyed: Iterable[tuple[str, str]]
    ) -> None:
        self.calls.append((LINES, at, rank, None, stream, tuple(keyed)))

    def replay(self, out: Sink) -> None:
        """Make the same calls on ``out``."""
        for kind, at, rank, key, stream, value in self.calls:
            if kind == LOG:
                out.log(at, rank, key, stream, value)
            elif kind == LINES:
                out.lines(at, rank, stream, value)
            else:
                out.add(at, rank, key, value)


Filler = Callable[[list[str], list[_dt.datetime], Sink], None]
"""Makes a shape's calls on a sink, given the run's values (its variables, then the texts
of its moments that are written) and its moments."""
Readier = Callable[[list[str], list[int]], Ready]
"""Gives a shape's items as moto gets them (``to_moto.ready``), given the run's values
and the epoch milliseconds of its moments that stamp log events."""


class Plan:
    """A shape's calls with holes: the run's variables, and its moments as texts."""

    def __init__(
        self,
        filler: Filler,
        readier: Readier,
        offsets: list[tuple[bool, int]],
        shown: list[int],
        stamped: list[int],
        phased: bool,
    ) -> None:
        self._filler, self._readier = filler, readier
        self._offsets = offsets
        """The moments of the shape in time order, in microseconds from the run's start
        (``True``) or its creation."""
        self._shown = shown
        """The moments whose text is written, in the order of their holes."""
        self._stamped = stamped
        """The moments log events are stamped with, in the order of their holes."""
        self.phased = phased
        """Whether two moments are less than a millisecond apart: whether they share a
        text then depends on where in its millisecond the run was created and started,
        so the plan holds only for runs with the same phases."""

    def moments(self, run: Run) -> list[int]:
        """The run's moments, in epoch microseconds, in time order."""
        created = epoch_us(run.creation_time)
        started = created if run.starting_since is None else epoch_us(run.starting_since)
        return [(started if late else created) + offset for late, offset in self._offsets]

    def fill(self, variables: list[str], moments: list[int], out: Sink, known: Moments) -> None:
        """Make on ``out`` the calls rendering the run with these variables makes."""
        values = variables + known.texts(moments, self._shown)
        self._filler(values, [at_epoch_us(moment) for moment in moments], out)

    def ready(self, variables: list[str], moments: list[int], known: Moments) -> Ready:
        """Every item of the run, as ``to_moto.ready`` gives them from a full rendering."""
        values = variables + known.texts(moments, self._shown)
        return self._readier(values, [moments[index] // 1000 for index in self._stamped])


class Moments:
    """The texts of moments (``iso_ms``) given in epoch microseconds, made from their
    second's, which is kept (the moments of a batch's runs fall in few seconds; at most
    ``KEPT`` seconds at once)."""

    KEPT = 1 << 16

    def __init__(self) -> None:
        self._seconds: dict[int, str] = {}

    def texts(self, moments: list[int], indices: list[int]) -> list[str]:
        """``iso_ms`` of the moments at these indices."""
        seconds = self._seconds
        if len(seconds) > self.KEPT:
            seconds.clear()
        found = []
        for index in indices:
            second, microseconds = divmod(moments[index], 1_000_000)
            head = seconds.get(second)
            if head is None:
                head = seconds[second] = iso_ms(at_epoch_us(second * 1_000_000))[:-4]
            found.append(head + _MILLISECONDS[microseconds // 1000])
        return found


_MILLISECONDS = tuple(f"{n:03d}Z" for n in range(1000))
_MICROSECOND = _dt.timedelta(microseconds=1)


def compile_plan(probe: Run, names: list[str], calls: list[Call], ids: int) -> Plan | None:
    """The probe's calls with its stand-ins and times as holes, as Python made once per
    shape (``ids``: how many variables are IDs, which alone may name a log stream)."""
    created = probe.creation_time
    moments = {call[1] for call in calls}
    moments.update(at for at in times_of(probe) if at is not None)
    for task in probe.tasks:
        moments.update((task.window_start, task.window_end))
    ordered = sorted(moments | {created})
    started = probe.starting_since or created
    if any(created < at < started for at in ordered):
        return None  # something between creation and start: not a shape kept from the start
    index_of = {at: n for n, at in enumerate(ordered)}
    holes: dict[str, int] = {}
    for n, name in enumerate(names):
        holes.setdefault(name, n)  # equal variables share a stand-in: the first is taken
    for at in reversed(ordered):  # moments in one millisecond share its text: the first is taken
        holes[iso_ms(at)] = -1 - index_of[at]
    pattern = re.compile("|".join(re.escape(h) for h in sorted(holes, key=len, reverse=True)))
    source = _Source(holes, len(names))

    def template(text: str, encoded: bool = False) -> str:
        """The expression giving ``text`` for a run (as bytes when ``encoded``)."""
        pieces: list[str] = []
        picks: list[str] = []
        start = 0
        for found in pattern.finditer(text):
            pieces.append(text[start : found.start()].replace("%", "%%"))
            picks.append(source.value(found.group()))
            start = found.end()
        if not picks:
            return source.constant(text.encode("latin-1") if encoded else text)
        pieces.append(text[start:].replace("%", "%%"))
        made = f"{source.constant('%s'.join(pieces))} % ({', '.join(picks)},)"
        return f"({made}).encode('latin-1')" if encoded else made

    fill: list[str] = []
    lines: list[tuple[int, int, int, str, str, str]] = []
    """Log events: moment, rank, order, the probe's stream, its expression, the text's."""
    objects: list[tuple[int, int, int, str]] = []
    named_by_ids = True
    for kind, at, rank, key, stream, value in calls:
        moment = index_of[at]
        when = f"m[{moment}], {rank}"
        if stream is not None:
            stream_text = template(stream)
            named_by_ids = named_by_ids and source.only_ids(stream, ids)
        if kind == LOG:
            text = template(value)
            fill.append(f"log({when}, {template(key)}, {stream_text}, {text})")
            lines.append((moment, rank, len(lines) + len(objects), stream, stream_text, text))
        elif kind == LINES:
            keyed = [(template(k), template(t)) for k, t in value]
            fill.append(
                f"lines({when}, {stream_text}, ({''.join(f'({k}, {t}), ' for k, t in keyed)}))"
            )
            for _, text in keyed:
                lines.append((moment, rank, len(lines) + len(objects), stream, stream_text, text))
        elif type(value) is S3Object:
            made = f"S3Object({template(value.bucket)}, {template(value.key)}, "
            made += f"{template(value.body.decode('latin-1'), encoded=True)})"
            fill.append(f"add({when}, {template(key)}, {made})")
            objects.append((moment, rank, len(lines) + len(objects), made))
        else:
            return None  # a bus event or a log event given as one: rendering gives neither
    if not named_by_ids:
        return None
    streams: dict[str, list[tuple[int, int, int, str, str, str]]] = {}
    for line in sorted(lines):
        streams.setdefault(line[3], []).append(line)
    stamped: dict[int, int] = {}
    by_stream = []
    for found in streams.values():  # in the order of their first events
        events = ", ".join(f"(e[{stamped.setdefault(m, len(stamped))}], {t})" for m, *_, t in found)
        by_stream.append(f"({source.constant(LOG_GROUP)}, {found[0][4]}): [{events}]")
    made_objects = ", ".join(entry[3] for entry in sorted(objects))
    space = source.define(
        "def fill(v, m, out):\n    log, lines, add = out.log, out.lines, out.add\n"
        + "".join(f"    {line}\n" for line in fill or ["pass"])
        + f"def ready(v, e):\n    return [{made_objects}], {{{', '.join(by_stream)}}}\n"
    )
    offsets = [
        (at >= started, (at - (started if at >= started else created)) // _MICROSECOND)
        for at in ordered
    ]
    phased = any(b - a < MILLISECOND for a, b in zip(ordered, ordered[1:], strict=False))
    return Plan(space["fill"], space["ready"], offsets, source.shown, list(stamped), phased)


class _Source:
    """What the Python of a plan refers to: constants (``c[n]``) and the run's values
    (``v[n]``: the variables, then the texts of the moments written)."""

    def __init__(self, holes: dict[str, int], variables: int) -> None:
        self._holes = holes
        """Each stand-in's variable, each moment's text's ``-1 - moment``."""
        self._variables = variables
        self._constants: list[Any] = []
        self.shown: list[int] = []
        """The moments whose text is written, in the order of their values."""

    def constant(self, value: Any) -> str:
        self._constants.append(value)
        return f"c[{len(self._constants) - 1}]"

    def value(self, hole: str) -> str:
        """The expression of a stand-in's or a moment's text."""
        found = self._holes[hole]
        if found >= 0:
            return f"v[{found}]"
        moment = -1 - found
        if moment not in self.shown:
            self.shown.append(moment)
        return f"v[{self._variables + self.shown.index(moment)}]"

    def only_ids(self, text: str, ids: int) -> bool:
        """Whether the only variables in ``text`` are IDs (distinct for every run)."""
        return all(
            index < ids for hole, index in self._holes.items() if hole in text and index >= 0
        )

    def define(self, code: str) -> dict[str, Any]:
        """The functions ``code`` defines."""
        space: dict[str, Any] = {"c": tuple(self._constants), "S3Object": S3Object}
        exec(compile(code, "<run plan>", "exec"), space)
        return space
