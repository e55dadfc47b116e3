"""Questions about stored data, asked by other families and answered by the storage ones."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .names import StorageUri


@dataclass(frozen=True, slots=True)
class StorageInputProblems:
    """Question: which of these ``omics://`` URIs cannot be read now, and why?

    Each family answers for its own kind (``readSet`` or ``reference``) with a
    list of messages. With ``used`` set, the data that can be read counts as
    read at ``at`` (a run started with it: the read set's archive clock restarts).
    """

    uris: tuple[StorageUri, ...]
    account_id: str
    region: str
    at: _dt.datetime
    used: bool = False


@dataclass(frozen=True, slots=True)
class RunningJobs:
    """Question: how many jobs of a quota group (``import``, ``export``, ``activation``)
    are SUBMITTED or IN_PROGRESS, in store ``store_id`` if given? Every family with jobs
    answers; the counts add up (read set and reference imports share one quota)."""

    group: str
    store_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReferenceProblem:
    """Question: can a new read set name ``reference_arn``? Answer why not, or ``None``.

    Asked by direct upload and import; the references family answers for ARNs of
    references in this account and Region.
    """

    reference_arn: str


@dataclass(frozen=True, slots=True)
class ReferenceInUse:
    """Question: does anything (a read set) use ``reference_arn``? Answer what, or ``None``."""

    reference_arn: str
