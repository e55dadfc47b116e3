"""``omics://`` URIs in a run's parameters, checked against the storage plane (spec §10).

A URI that does not parse, names another account or Region, or names a read
set or reference that does not exist (or a read set that is not ACTIVE, such as
an ARCHIVED one) is a problem. ``settings.storage.storage_uri_failure`` decides
whether StartRun refuses it (``"start"``) or the run fails when it would start
(``"run"``, the default).
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from .events import StorageInputProblems
from .names import StorageUri, storage_uris_in

if TYPE_CHECKING:
    from ..kernel.state import Backend


def input_problems(backend: Backend, parameters: object, at: _dt.datetime, used: bool) -> list[str]:
    """Why the run parameters' storage URIs cannot be read (empty: they can).

    With ``used``, the read sets that can be read count as read at ``at``.
    """
    uris, broken = storage_uris_in(parameters)
    problems = [f"{text} is not a HealthOmics storage URI." for text in broken]
    own: list[StorageUri] = []
    for uri in uris:
        if (uri.account_id, uri.region) != (backend.account_id, backend.region):
            problems.append(
                f"The {uri.kind} {uri.resource_id} is in account {uri.account_id}, Region "
                f"{uri.region}; runs read storage of their own account and Region."
            )
        else:
            own.append(uri)
    if own:
        question = StorageInputProblems(tuple(own), backend.account_id, backend.region, at, used)
        for answer in backend.events.publish(question):
            problems.extend(answer)
    return problems
