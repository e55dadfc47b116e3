"""Rendering many runs of one shape at the cost of filling in their IDs and times.

Runs of a large batch mostly differ only in what the service makes up for each
(run and task IDs and uuids, times) and in a few short request values (the run's
name, plain parameter values such as a sample name). Everything else they write
is the same text. A ``Plan`` is that text with holes, learnt from rendering one
run of the shape (the ``trail`` renderer stays the only place that knows what a
run writes); the next runs of the shape fill the holes instead of rendering.

How a plan is learnt, so that it can only ever give what rendering gives:

- A run's *shape* (``shape_key``) holds every field of the run and of its request
  that rendering could read, by value, except the variables above: for those it
  holds only their length (and requires them plain: letters, digits, ``._-``, no
  JSON escaping); for times, their offsets from the run's start (a batch's runs
  wait for a place for different times).
- The plan is learnt from a *probe*: a copy of a run of the shape whose variables
  are replaced by unmistakable stand-ins of the same length (``QBQJJJJ``) and
  whose times are shifted far away. Rendering the probe shows where each variable
  lands; every other character is constant across the shape.
- The plan is then checked: filled in with the real run's values, it must give
  exactly the calls rendering that run gave (same items, times, keys, texts and
  bytes). A value that rendering transforms rather than copies (a hash of an ID,
  a time in another format) makes the check fail, and the shape is rendered
  run by run.

Only runs rendered in full once are planned: ended (not deleted) runs without bus
events and without a run cache; any other run is rendered as before. Plans live
for one hand-over (the objects they rely on cannot change during it).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import logging
from typing import Any

from .batches import Batches
from .context import RunContext
from .items import at_epoch_us, epoch_us
from .plan_code import Call, Moments, Plan, Recorder, compile_plan
from .shapes import FIELDS_KNOWN, ID, SHIFT, Kind, probe, shape_of, stand_ins
from .to_moto import Ready, ready
from .trail import render_into

logger = logging.getLogger(__name__)

LEARN_AT = 2
"""A shape's plan is learnt from its second run in a hand-over (one-off shapes never pay)."""
LEARNT_FREELY = 8
FILLED_PER_LEARNING = 64
"""Learning a plan costs about as much as rendering 40 runs (a probe, a check, compiling):
past the first ``LEARNT_FREELY`` plans of a hand-over, each more must be paid for by
``FILLED_PER_LEARNING`` runs filled in (runs of many shapes of two or three runs each
would otherwise cost more with plans than without)."""
HOPELESS_AFTER = 10_000
"""After this many shapes in a hand-over without a single plan, its runs are rendered
without working out their shapes."""
PHASED = "phased"
"""A shape whose plan depends on its runs' phases too (``Plan.phased``)."""


class Plans:
    """The plans of one hand-over, by shape; renders each run through its shape's plan
    when there is one (``render_into``'s stand-in)."""

    def __init__(self) -> None:
        self._seen: dict[int, int] = {}
        """How many runs of each shape were rendered, by the shape's hash (a large
        hand-over of runs of a shape each would otherwise keep every shape)."""
        self._plans: dict[Any, Plan | str | None] = {}
        """By shape: its plan, none, or ``PHASED`` (by shape and phases: ``shape_of``)."""
        self._moments = Moments()
        self._learnt = 0
        self.filled = 0
        """Runs written from a plan (what pays for learning more plans)."""

    def render(self, ctx: RunContext, out: Batches, until: _dt.datetime) -> Ready | None:
        """Render the run into ``out``, or, when its whole rendering is due (nothing
        written yet and nothing due at ``until`` or later), give its items for moto."""
        hopeless = len(self._seen) > HOPELESS_AFTER and not self.filled
        found = shape_of(ctx, until) if FIELDS_KNOWN and not hopeless else None
        if found is None:
            render_into(ctx, out, until)
            return None
        shape, phases, variables, kinds = found
        key: Any = shape
        plan = self._plans.get(key)
        if plan is PHASED:
            key = (shape, phases)
            plan = self._plans.get(key)
        if isinstance(plan, Plan):
            self.filled += 1
            moments = plan.moments(ctx.run)
            if out.since is None and moments[-1] < epoch_us(until):
                return plan.ready(variables, moments, self._moments)
            plan.fill(variables, moments, out, self._moments)
            return None
        seen = self._seen[hash(key)] = self._seen.get(hash(key), 0) + 1
        affordable = self._learnt < LEARNT_FREELY + self.filled // FILLED_PER_LEARNING
        if seen != LEARN_AT or not affordable:
            render_into(ctx, out, until)
            return None
        self._learnt += 1
        rendered = Recorder()
        render_into(ctx, rendered, until)
        rendered.replay(out)
        try:
            plan = learn(ctx, until, variables, kinds, rendered.calls)
        except Exception:  # a plan only saves time: the shape's runs are rendered instead
            plan = None
            logger.warning("no plan for the shape of run %s", ctx.run.id, exc_info=True)
        if plan is not None and plan.phased and key is shape:
            self._plans[key] = PHASED
            key = (shape, phases)
        self._plans[key] = plan
        return None


def learn(
    ctx: RunContext,
    until: _dt.datetime,
    variables: list[str],
    kinds: list[Kind],
    calls: list[Call],
) -> Plan | None:
    """The plan of the run's shape, if a probe shows one that gives ``calls`` exactly."""
    names = stand_ins(kinds)
    if not all(names):
        return None
    copy = probe(ctx.run, names)
    rendered = Recorder()
    render_into(dataclasses.replace(ctx, run=copy), rendered, until + SHIFT)
    ids = sum(kind == ID for kind, _, _ in kinds)
    plan = compile_plan(copy, names, rendered.calls, ids)
    if plan is None:
        return None
    moments = plan.moments(ctx.run)
    check = Recorder()
    plan.fill(variables, moments, check, Moments())
    if check.calls != calls:
        return None
    whole = Batches(None, (), at_epoch_us(moments[-1] + 1_000_000))
    check.replay(whole)
    return plan if plan.ready(variables, moments, Moments()) == ready(whole, {}) else None
