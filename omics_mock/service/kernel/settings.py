"""Per-mock settings: how long simulated phases take and the account quotas.

Every value can be changed through the control API (``mock.settings``) and
applies to the mock it belongs to only.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field


def _seconds(value: float) -> _dt.timedelta:
    return _dt.timedelta(seconds=value)


@dataclass(slots=True)
class RunTiming:
    """How long a run spends in each phase; ``None`` inherits the next level.

    ``running`` is the whole RUNNING phase; when ``None`` it is the sum of the
    run's simulated task durations (``task`` each).
    """

    pending: _dt.timedelta | None = None
    starting: _dt.timedelta | None = None
    running: _dt.timedelta | None = None
    stopping: _dt.timedelta | None = None
    task: _dt.timedelta | None = None

    def over(self, base: RunTiming) -> RunTiming:
        """These values where set, ``base``'s elsewhere."""
        return RunTiming(
            pending=self.pending if self.pending is not None else base.pending,
            starting=self.starting if self.starting is not None else base.starting,
            running=self.running if self.running is not None else base.running,
            stopping=self.stopping if self.stopping is not None else base.stopping,
            task=self.task if self.task is not None else base.task,
        )


def default_run_timing() -> RunTiming:
    """Defaults chosen so the ``run_running`` and ``run_completed`` waiters succeed:
    a run with three tasks completes 510 s after StartRun (the waiter allows 570 s)."""
    return RunTiming(
        pending=_seconds(30),
        starting=_seconds(120),
        running=None,
        stopping=_seconds(60),
        task=_seconds(100),
    )


@dataclass
class Durations:
    """How long each simulated phase lasts in virtual time."""

    run: RunTiming = field(default_factory=default_run_timing)
    """Run phases, for every run unless a workflow or run overrides them."""

    workflow_creating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """CreateWorkflow/CreateWorkflowVersion: CREATING until ACTIVE (or FAILED)."""
    workflow_updating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """UpdateWorkflow/UpdateWorkflowVersion: UPDATING until ACTIVE."""
    configuration_creating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """CreateConfiguration: CREATING until ACTIVE (the service takes up to 15 minutes)."""
    configuration_deleting: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """DeleteConfiguration: DELETING until gone."""
    share_activating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """AcceptShare: ACTIVATING until ACTIVE."""
    batch_creating: _dt.timedelta = field(default_factory=lambda: _seconds(2))
    """StartRunBatch: CREATING until PENDING."""
    batch_validating: _dt.timedelta = field(default_factory=lambda: _seconds(5))
    """A batch's run settings are validated while PENDING, then SUBMITTING starts."""


@dataclass
class Quotas:
    """Account quotas. Count quotas raise ServiceQuotaExceededException (402)."""

    max_workflows: int = 1000
    max_runs: int = 100_000
    """Stored runs (active and inactive), the retention limit (L-C9679DBC)."""
    max_concurrent_runs: int = 100
    """Runs in STARTING, RUNNING or STOPPING at once; further runs wait in PENDING."""
    max_versions_per_workflow: int = 1000
    max_run_groups: int = 1000
    max_run_caches: int = 1000
    max_configurations: int = 10
    max_shares_per_workflow: int = 100
    start_run_tps: float = 1.0
    """StartRun throughput: batch runs are submitted one every 1/tps seconds."""
    cancel_run_tps: float = 10.0
    """CancelRun throughput, which CancelRunBatch shares."""
    delete_run_tps: float = 10.0
    """DeleteRun throughput, which DeleteRunBatch shares."""
    max_tags_per_resource: int = 50
    max_definition_bytes: int = 100 * 1024 * 1024
    max_parameter_bytes: int = 50_000


@dataclass
class Artifacts:
    """What runs leave behind in S3, CloudWatch Logs and EventBridge (docs/artifacts.md).

    Each kind can be switched off; the other fields choose between plausible
    behaviours where the service's documentation is silent (UNCONFIRMED).
    """

    outputs: bool = True
    """Workflow outputs (``out/...``), ``logs/outputs.json`` and ``logs/engine.log`` in S3."""
    cache_entries: bool = True
    """Run-cache entries in S3 and the run cache's log stream."""
    logs: bool = True
    """Streams in the ``/aws/omics/WorkflowLog`` log group (run, tasks, engine, manifest)."""
    events: bool = True
    """Status-change events on the account's default EventBridge bus."""
    run_output_uri: str = "RUN_ID_AND_UUID"
    """``runOutputUri`` under SERVICE_DEFINED: ``<outputUri>/<runId>/<runUuid>``
    (``RUN_ID_AND_UUID``) or ``<outputUri>/<runId>`` (``RUN_ID``)."""
    wdl_outputs_summary: str = "outputs.json"
    """Name of the WDL outputs summary under ``logs/`` (the docs also say ``output.json``)."""
    engine_log_for_cancelled: bool = True
    """Whether a cancelled run still delivers ``logs/engine.log`` to S3."""
    engine_stream_always: bool = False
    """Whether every ended run gets a ``run/<id>/engine`` stream (the docs: failed runs only)."""
    export_fails_without_bucket: bool = True
    """A run whose output bucket does not exist ends FAILED with ``EXPORT_FAILED``."""
    cancelled_runs_fill_cache: bool = False
    """Whether a cancelled run's completed tasks become cache entries (the docs say they do;
    omics-mock's earlier releases cached nothing for cancelled runs)."""
    answer_pricing: bool = True
    """Answer the AWS Price List API for service code ``AmazonOmics`` (run_analyzer needs it;
    moto has no Price List backend). Other service codes are refused."""
    prices: dict[str, float] = field(default_factory=dict)
    """USD by ``resourceType`` (``omics.c.large`` per hour, ``Run Storage`` and ``Dynamic Run
    Storage`` per GiB-hour) over illustrative defaults, which are not AWS's prices."""


@dataclass
class Settings:
    """Everything a test may tune for one mock."""

    default_account_id: str = "123456789012"
    default_storage_type: str = "STATIC"
    """Storage type for runs when neither the request nor the workflow sets one."""
    retain_runs_evict_remove_runs: bool = True
    """At the run limit, a new RETAIN run also evicts the oldest REMOVE run."""
    request_log_size: int = 10_000
    """How many of the most recent requests the request log keeps (0: none)."""
    id_seed: str | int | None = None
    """Changes the sequence of IDs each account and Region hands out (``None``: the
    same IDs in every fresh mock)."""
    durations: Durations = field(default_factory=Durations)
    quotas: Quotas = field(default_factory=Quotas)
    artifacts: Artifacts = field(default_factory=Artifacts)
