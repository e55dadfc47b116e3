"""In-memory HealthOmics backends, one per (account, Region)."""

from __future__ import annotations

from .base import BackendRegistry, Family, OmicsBackend, operation
from .batches import Batches
from .configurations import Configurations
from .environment import Environment
from .request_log import RequestLog, RequestRecord
from .run_caches import RunCaches
from .run_groups import RunGroups
from .runs import Runs
from .shares import Shares
from .tags import Tags
from .workflows import Workflows


class HealthOmicsBackend(OmicsBackend):
    """The workflow plane of HealthOmics, as far as omics-mock simulates it."""

    family_classes = (Workflows, Runs, RunGroups, RunCaches, Configurations, Shares, Batches, Tags)


def default_backend_class() -> type[OmicsBackend]:
    return HealthOmicsBackend


__all__ = [
    "BackendRegistry",
    "Environment",
    "Family",
    "HealthOmicsBackend",
    "OmicsBackend",
    "RequestLog",
    "RequestRecord",
    "default_backend_class",
    "operation",
]
