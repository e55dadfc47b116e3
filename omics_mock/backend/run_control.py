"""Per-mock run behaviour set by tests: timings and scripted outcomes.

Timings resolve per run as: the run's own overrides (set after it started),
then its workflow's, then ``settings.durations.run``. Outcomes: each new run
of a workflow takes the next scripted outcome for that workflow, or the
default outcome (COMPLETED unless changed).
"""

from __future__ import annotations

import collections

from .run_model import Outcome
from .settings import RunTiming, Settings


class RunControlState:
    """What the control API has said about future runs."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.workflow_timing: dict[str, RunTiming] = {}
        self.scripts: dict[str, collections.deque[Outcome]] = {}
        self.default_outcome = Outcome()
        self.per_poll = False

    def timing_for(self, workflow_id: str) -> RunTiming:
        """The timing a new run of this workflow gets.

        Runs share these objects; per-run changes replace a run's timing rather
        than edit it (see ``RunsControl.set_durations``).
        """
        base = self._settings.durations.run
        override = self.workflow_timing.get(workflow_id)
        return override.over(base) if override is not None else base

    def next_outcome(self, workflow_id: str) -> Outcome:
        script = self.scripts.get(workflow_id)
        if script:
            return script.popleft()
        return self.default_outcome
