"""The one place a resource family is registered: ``FAMILIES``.

Each family class registers its operations when it is defined (``kernel.state``);
a backend of one account and Region holds one instance of each.
"""

from __future__ import annotations

from .analytics_jobs.annotation_imports import AnnotationImports
from .analytics_jobs.variant_imports import VariantImports
from .annotation_stores.ops import AnnotationStores
from .annotation_stores.versions import AnnotationStoreVersions
from .batches.ops import Batches
from .configurations.ops import Configurations
from .kernel.state import Family
from .read_set_jobs.ops import ReadSetJobs
from .read_sets.ops import ReadSets
from .read_sets.uploads import ReadSetUploads
from .references.imports import ReferenceImports
from .references.ops import References
from .run_artifacts.ops import RunArtifacts
from .run_caches.ops import RunCaches
from .run_groups.ops import RunGroups
from .runs.ops import Runs
from .sequence_stores.ops import SequenceStores
from .shares.ops import Shares
from .tags.ops import Tags
from .variant_stores.ops import VariantStores
from .workflows.ops import Workflows

FAMILIES: tuple[type[Family], ...] = (
    Workflows,
    Runs,
    RunGroups,
    RunCaches,
    Configurations,
    Shares,
    Batches,
    Tags,
    SequenceStores,
    ReadSets,
    ReadSetUploads,
    References,
    ReferenceImports,
    ReadSetJobs,
    RunArtifacts,
    VariantStores,
    AnnotationStores,
    AnnotationStoreVersions,
    VariantImports,
    AnnotationImports,
)
