"""Per-mock settings: how long simulated phases take and the account quotas.

Every value can be changed through the control API (``mock.settings``) and
applies to the mock it belongs to only. Each assignment is checked (see
``checks.Checked``): a wrong type is a ``TypeError``, a value out of range a
``ValueError`` and a misspelt name an ``AttributeError``, all naming the
setting and what it accepts. Durations take a ``timedelta`` or a number of
seconds (stored as a ``timedelta``), from zero to 100 years.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from .checks import Checked, account_id, at_least, checked_field, one_of

MIN_RATE = 0.001
"""The lowest throughput quota (one call per 1,000 s of virtual time)."""
STORAGE_TYPES = ("STATIC", "DYNAMIC")


def _seconds(value: float) -> _dt.timedelta:
    return _dt.timedelta(seconds=value)


@dataclass(slots=True)
class RunTiming(Checked):
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
        """These values where set, ``base``'s elsewhere.

        Both were checked when they were set, so the result is built without
        checking again (this runs for every new run with its own timings).
        """
        combined = object.__new__(RunTiming)
        for name in _PHASES:
            mine = getattr(self, name)
            object.__setattr__(combined, name, mine if mine is not None else getattr(base, name))
        return combined


_PHASES = ("pending", "starting", "running", "stopping", "task")


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
class Durations(Checked):
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


def _count(default: int) -> int:
    """A count quota: a whole number, zero or more."""
    return checked_field(default, at_least(0))


def _rate(default: float) -> float:
    """A throughput quota: calls per second, at least ``MIN_RATE``."""
    return checked_field(default, at_least(MIN_RATE))


@dataclass
class Quotas(Checked):
    """Account quotas. Count quotas raise ServiceQuotaExceededException (402)."""

    max_workflows: int = _count(1000)
    max_runs: int = _count(100_000)
    """Stored runs (active and inactive), the retention limit (L-C9679DBC)."""
    max_concurrent_runs: int = _count(100)
    """Runs in STARTING, RUNNING or STOPPING at once; further runs wait in PENDING."""
    max_versions_per_workflow: int = _count(1000)
    max_run_groups: int = _count(1000)
    max_run_caches: int = _count(1000)
    max_configurations: int = _count(10)
    max_shares_per_workflow: int = _count(100)
    start_run_tps: float = _rate(1.0)
    """StartRun throughput: batch runs are submitted one every 1/tps seconds."""
    cancel_run_tps: float = _rate(10.0)
    """CancelRun throughput, which CancelRunBatch shares."""
    delete_run_tps: float = _rate(10.0)
    """DeleteRun throughput, which DeleteRunBatch shares."""
    max_tags_per_resource: int = _count(50)
    max_definition_bytes: int = _count(100 * 1024 * 1024)
    max_parameter_bytes: int = _count(50_000)


MIB = 1024 * 1024


@dataclass
class StorageDurations(Checked):
    """How long the storage plane's phases last in virtual time.

    Job defaults end well inside the job waiters' 600 s (20 polls, 30 s apart).
    """

    store_creating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """CreateSequenceStore: CREATING until ACTIVE."""
    store_updating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """UpdateSequenceStore: UPDATING until ACTIVE."""
    store_deleting: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """DeleteSequenceStore: DELETING until gone."""
    upload_processing: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """CompleteMultipartReadSetUpload: PROCESSING_UPLOAD until ACTIVE (or UPLOAD_FAILED)."""
    read_set_deleting: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """BatchDeleteReadSet: DELETING until gone."""
    reference_deleting: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """DeleteReference: DELETING until gone."""
    job_starting: _dt.timedelta = field(default_factory=lambda: _seconds(5))
    """Every storage job: SUBMITTED until IN_PROGRESS."""
    read_set_import: _dt.timedelta = field(default_factory=lambda: _seconds(120))
    """A read set import job: IN_PROGRESS until its sources end (they run in parallel)."""
    read_set_export: _dt.timedelta = field(default_factory=lambda: _seconds(120))
    read_set_activation: _dt.timedelta = field(default_factory=lambda: _seconds(60))
    reference_import: _dt.timedelta = field(default_factory=lambda: _seconds(180))
    archive_after: _dt.timedelta = field(default_factory=lambda: _dt.timedelta(days=30))
    """An ACTIVE read set not read for this long becomes ARCHIVED."""


@dataclass
class StorageQuotas(Checked):
    """Storage quotas: counts raise ServiceQuotaExceededException (402)."""

    max_sequence_stores: int = _count(100)
    max_read_sets_per_store: int = _count(1_000_000)
    max_reference_stores: int = _count(1)
    max_references_per_store: int = _count(10_000)
    max_concurrent_import_jobs: int = _count(10)
    """Read set and reference import jobs (SUBMITTED or IN_PROGRESS) together."""
    max_concurrent_export_jobs: int = _count(10)
    max_concurrent_activation_jobs: int = _count(10)
    max_part_bytes: int = checked_field(100 * MIB, at_least(1))
    """UploadReadSetPart: the largest part (the service says 100 MB)."""
    max_propagated_tags: int = _count(5)
    """propagatedSetLevelTags per sequence store (the model allows 50)."""
    max_access_policy_bytes: int = _count(15 * 1024)


@dataclass
class Storage(Checked):
    """The storage plane: sequence stores, read sets, references, their jobs."""

    read_part_size: int = checked_field(100 * MIB, at_least(1))
    """``partSize`` reported in ``files`` and the size GetReadSet/GetReference serve
    (raised for a file that would otherwise need more than 10,000 parts)."""
    storage_uri_failure: str = checked_field("run", one_of("run", "start"))
    """An ``omics://`` run parameter naming a missing or ARCHIVED read set or reference:
    ``"run"`` fails the run when it starts, ``"start"`` refuses StartRun."""
    missing_bucket: str = checked_field("synthesize", one_of("synthesize", "fail"))
    """An import source in a bucket no S3 source knows (no moto, nothing registered):
    ``"synthesize"`` makes deterministic content, ``"fail"`` fails the source."""
    one_reference_import_per_store: bool = True
    """A second running reference import job into the same store is refused (402)."""
    durations: StorageDurations = field(default_factory=StorageDurations)
    quotas: StorageQuotas = field(default_factory=StorageQuotas)


@dataclass
class Artifacts(Checked):
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
    run_output_uri: str = checked_field("RUN_ID_AND_UUID", one_of("RUN_ID_AND_UUID", "RUN_ID"))
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
class AnalyticsDurations(Checked):
    """How long the analytics plane's phases last in virtual time.

    Every phase ends well inside its waiter's 570 s (20 polls, 30 s apart).
    """

    store_creating: _dt.timedelta = field(default_factory=lambda: _seconds(180))
    """Create*Store: CREATING until ACTIVE."""
    store_updating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """Update*Store: UPDATING until ACTIVE (0: the store stays ACTIVE)."""
    store_deleting: _dt.timedelta = field(default_factory=lambda: _seconds(60))
    """Delete*Store: DELETING until gone."""
    version_creating: _dt.timedelta = field(default_factory=lambda: _seconds(10))
    """CreateAnnotationStoreVersion: CREATING until ACTIVE."""
    version_updating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """UpdateAnnotationStoreVersion: UPDATING until ACTIVE (0: it stays ACTIVE)."""
    version_deleting: _dt.timedelta = field(default_factory=lambda: _seconds(10))
    """DeleteAnnotationStoreVersions: DELETING until gone."""
    job_submitted: _dt.timedelta = field(default_factory=lambda: _seconds(30))
    """Start*ImportJob: SUBMITTED until IN_PROGRESS."""
    job_importing: _dt.timedelta = field(default_factory=lambda: _seconds(120))
    """An import job: IN_PROGRESS until its items end (they run in parallel)."""


@dataclass
class AnalyticsQuotas(Checked):
    """Analytics quotas: counts raise ServiceQuotaExceededException (402)."""

    max_variant_stores: int = _count(10)
    max_annotation_stores: int = _count(10)
    max_versions_per_annotation_store: int = _count(100)
    max_concurrent_import_jobs: int = _count(5)
    """Variant and annotation import jobs SUBMITTED or IN_PROGRESS, together."""
    max_variant_import_items: int = _count(1000)
    """Files per variant import job."""
    max_import_file_bytes: int = _count(20 * 1024**3)
    """A larger source file fails its item."""
    max_shares_per_store: int = _count(10)


@dataclass
class Analytics(Checked):
    """The analytics plane: variant stores, annotation stores and versions, imports."""

    access: str = checked_field("existing", one_of("existing", "new_customer"))
    """``"existing"``: every account uses the stores as an existing customer does;
    ``"new_customer"``: Create*Store and Start*ImportJob answer AccessDeniedException
    (closed to new customers since 2025-11-07). ``m.analytics`` sets it per account."""
    reference_check: str = checked_field("exists", one_of("exists", "any"))
    """``"exists"``: a store's ``referenceArn`` must name an ACTIVE reference of the
    caller's account and Region (ResourceNotFoundException otherwise); ``"any"``: any
    ARN the model accepts."""
    missing_bucket: str = checked_field("synthesize", one_of("synthesize", "fail"))
    """An import source in a bucket no S3 source knows (no moto, nothing registered):
    ``"synthesize"`` imports ``stand_in_bytes`` bytes of valid stand-in data,
    ``"fail"`` fails the item."""
    stand_in_bytes: int = _count(1024 * 1024)
    check_contents: bool = True
    """Read each imported file: a VCF, GFF or TSV that does not parse fails its item."""
    durations: AnalyticsDurations = field(default_factory=AnalyticsDurations)
    quotas: AnalyticsQuotas = field(default_factory=AnalyticsQuotas)


@dataclass
class Settings(Checked):
    """Everything a test may tune for one mock."""

    default_account_id: str = checked_field("123456789012", account_id)
    default_storage_type: str = checked_field("STATIC", one_of(*STORAGE_TYPES))
    """Storage type for runs when neither the request nor the workflow sets one."""
    retain_runs_evict_remove_runs: bool = True
    """At the run limit, a new RETAIN run also evicts the oldest REMOVE run."""
    request_log_size: int = checked_field(10_000, at_least(0))
    """How many of the most recent requests the request log keeps (0: none)."""
    id_seed: str | int | None = None
    """Changes the sequence of IDs each account and Region hands out (``None``: the
    same IDs in every fresh mock). Read when an account and Region is first used."""
    durations: Durations = field(default_factory=Durations)
    quotas: Quotas = field(default_factory=Quotas)
    storage: Storage = field(default_factory=Storage)
    artifacts: Artifacts = field(default_factory=Artifacts)
    analytics: Analytics = field(default_factory=Analytics)
