"""The one place a resource family is registered: ``CATALOG``.

Each family class registers its operations when it is defined (``kernel.state``);
a backend of one account and Region holds one instance of each. Families are named
here, not imported: a backend builds a plane's families (and imports their modules)
when it first needs that plane (``kernel.planes``). The workflow plane, with tags,
is built with every backend: its families make the mock-wide objects (the READY2RUN
catalogue, run and artifact steering) and reserve the READY2RUN IDs, as they always
did when an account and Region is first used. The storage and analytics planes wait
for their first request, or for an event their families react to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .kernel.planes import Catalog

if TYPE_CHECKING:
    from .kernel.state import Family

    FAMILIES: tuple[type[Family], ...]

WORKFLOWS = "workflows"
STORAGE = "storage"
ANALYTICS = "analytics"

CATALOG = Catalog(
    [
        ("workflows.ops:Workflows", WORKFLOWS),
        ("runs.ops:Runs", WORKFLOWS),
        ("run_groups.ops:RunGroups", WORKFLOWS),
        ("run_caches.ops:RunCaches", WORKFLOWS),
        ("configurations.ops:Configurations", WORKFLOWS),
        ("shares.ops:Shares", ANALYTICS),
        ("batches.ops:Batches", WORKFLOWS),
        ("tags.ops:Tags", WORKFLOWS),
        ("sequence_stores.ops:SequenceStores", STORAGE),
        ("read_sets.ops:ReadSets", STORAGE),
        ("read_sets.uploads:ReadSetUploads", STORAGE),
        ("references.ops:References", STORAGE),
        ("references.imports:ReferenceImports", STORAGE),
        ("read_set_jobs.ops:ReadSetJobs", STORAGE),
        ("run_artifacts.ops:RunArtifacts", WORKFLOWS),
        ("variant_stores.ops:VariantStores", ANALYTICS),
        ("annotation_stores.ops:AnnotationStores", ANALYTICS),
        ("annotation_stores.versions:AnnotationStoreVersions", ANALYTICS),
        ("analytics_jobs.variant_imports:VariantImports", ANALYTICS),
        ("analytics_jobs.annotation_imports:AnnotationImports", ANALYTICS),
    ],
    eager=[WORKFLOWS],
    hosts={
        "workflows-": WORKFLOWS,
        "tags-": WORKFLOWS,
        "control-storage-": STORAGE,
        "storage-": STORAGE,
        "analytics-": ANALYTICS,
    },
    reactions={
        STORAGE: [
            "sequence_stores.events:SequenceStoreInUse",
            "sequence_stores.events:SequenceStoreRemoved",
            "storage.events:ReferenceInUse",
            "storage.events:ReferenceProblem",
            "storage.events:RunningJobs",
            "storage.events:StorageInputProblems",
        ],
        ANALYTICS: [
            "analytics.events:CancelImports",
            "analytics.events:RunningImports",
            "shares.events:ShareableResource",
            "shares.events:SharedResourceRemoved",
        ],
    },
)
"""Every family in registration order with its plane; the host prefixes the service
model gives operations, by plane; and the events each lazy plane's families react to
(``tests/test_architecture.py`` checks all three against the families themselves)."""


def __getattr__(name: str) -> Any:
    if name == "FAMILIES":  # every family class, in order: imports every plane
        return CATALOG.all_classes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
