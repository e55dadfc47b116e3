"""Tags on every taggable resource, addressed by ARN.

Taggable resources register themselves with the backend under their ARN
(``backend.register_taggable``): workflows and workflow versions here; runs,
run groups, run caches, batches and configurations from their own families.
Tasks are not taggable. An ARN is looked up in the caller's own account and
Region only, so an ARN of another account or Region is not found.

Rules: at most ``quotas.max_tags_per_resource`` tags (50) per resource, on
create and after a TagResource merge; keys starting with ``aws:`` are reserved
for AWS and cannot be added or removed.
"""

from __future__ import annotations

from typing import Any

from ...wire.errors import ValidationException

RESERVED_PREFIX = "aws:"


def checked_tags(tags: dict[str, str] | None, limit: int) -> dict[str, str]:
    """A copy of ``tags`` for a new resource, after the service's rules."""
    result = dict(tags or {})
    check_reserved(result)
    check_count(len(result), limit)
    return result


def check_reserved(keys: Any) -> None:
    for key in keys:
        if key.lower().startswith(RESERVED_PREFIX):
            raise ValidationException(
                f"Tag keys starting with '{RESERVED_PREFIX}' are reserved for AWS use: {key}"
            )


def check_count(count: int, limit: int) -> None:
    if count > limit:
        raise ValidationException(
            f"A resource can have at most {limit} tags; the request would give it {count}."
        )
