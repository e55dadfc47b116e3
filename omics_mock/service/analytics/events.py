"""What analytics stores ask and tell the families that run imports into them.

Stores never import the job families (the jobs look stores up), so they ask.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RunningImports:
    """Question: how many import jobs are SUBMITTED or IN_PROGRESS?

    Narrowed to one store kind (``variant``/``annotation``), one store and one
    version when given. Each job family answers a count; the counts add up.
    """

    kind: str | None = None
    store_id: str | None = None
    version_name: str | None = None


@dataclass(frozen=True, slots=True)
class CancelImports:
    """Notice: the running imports into a store (one version, if given) end CANCELLED
    at ``at``, because the store or version is deleted with ``force``."""

    kind: str
    store_id: str
    at: _dt.datetime
    version_name: str | None = None
