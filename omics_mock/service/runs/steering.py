"""How future runs behave, as tests set it: timings, scripted outcomes, progress.

Mock-wide (``state.shared(RunSteering)``). Timings resolve per run as: the run's
own overrides (set after it started), then its workflow's, then
``settings.durations.run``. Outcomes: each new run of a workflow takes the next
scripted outcome for that workflow, or the default outcome (COMPLETED unless
changed). With per-poll progress, each GetRun moves an active run one phase on.
"""

from __future__ import annotations

import collections

from ..kernel.settings import RunTiming
from .model import Outcome


class RunSteering:
    """What the control API has said about future runs."""

    def __init__(self) -> None:
        self.workflow_timing: dict[str, RunTiming] = {}
        self.scripts: dict[str, collections.deque[Outcome]] = {}
        self.default_outcome = Outcome()
        self.per_poll = False

    def timing_for(self, workflow_id: str, base: RunTiming) -> RunTiming:
        """The timing a new run of this workflow gets, over ``base`` (the mock's durations).

        Runs share these objects; per-run changes replace a run's timing rather
        than edit it.
        """
        override = self.workflow_timing.get(workflow_id)
        return override.over(base) if override is not None else base

    def next_outcome(self, workflow_id: str) -> Outcome:
        script = self.scripts.get(workflow_id)
        if script:
            return script.popleft()
        return self.default_outcome

    def script(self, workflow_id: str, outcomes: list[Outcome]) -> None:
        self.scripts.setdefault(workflow_id, collections.deque()).extend(outcomes)

    def set_workflow_timing(self, workflow_id: str, timing: RunTiming) -> None:
        current = self.workflow_timing.get(workflow_id, RunTiming())
        self.workflow_timing[workflow_id] = timing.over(current)
