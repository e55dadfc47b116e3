"""Tags on every taggable resource, addressed by ARN.

Taggable resources register themselves with the backend under their ARN
(runs, run groups, run caches, batches, workflows, workflow versions,
configurations); tasks are not taggable. A resource holds at most
``quotas.max_tags_per_resource`` tags (50), and keys starting with ``aws:`` are
reserved.
"""

from __future__ import annotations

from typing import Any

from ..protocol.errors import ResourceNotFoundException, ValidationException
from .base import Family, Params, operation


def checked_tags(tags: dict[str, str] | None, limit: int) -> dict[str, str]:
    """A copy of ``tags`` after the service's rules for a new resource."""
    result = dict(tags or {})
    _check_reserved(result)
    if len(result) > limit:
        raise ValidationException(
            f"A resource can have at most {limit} tags; the request has {len(result)}."
        )
    return result


def _check_reserved(tags: dict[str, str]) -> None:
    for key in tags:
        if key.lower().startswith("aws:"):
            raise ValidationException(f"Tag keys starting with 'aws:' are reserved: {key}")


class Tags(Family):
    """TagResource, UntagResource and ListTagsForResource."""

    attribute = "tags"

    def _resource(self, arn: str) -> Any:
        resource = self.backend.taggable.get(arn)
        if resource is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        return resource

    @operation("TagResource")
    def tag_resource(self, req: Params) -> dict[str, Any]:
        resource = self._resource(req["resourceArn"])
        new_tags: dict[str, str] = req["tags"]
        _check_reserved(new_tags)
        merged = {**resource.tags, **new_tags}
        limit = self.backend.settings.quotas.max_tags_per_resource
        if len(merged) > limit:
            raise ValidationException(
                f"A resource can have at most {limit} tags; this request would give "
                f"{req['resourceArn']} {len(merged)}."
            )
        resource.tags = merged
        return {}

    @operation("UntagResource")
    def untag_resource(self, req: Params) -> dict[str, Any]:
        resource = self._resource(req["resourceArn"])
        remove = set(req["tagKeys"])
        resource.tags = {k: v for k, v in resource.tags.items() if k not in remove}
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, req: Params) -> dict[str, Any]:
        return {"tags": dict(self._resource(req["resourceArn"]).tags)}
