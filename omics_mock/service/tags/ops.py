"""TagResource, UntagResource and ListTagsForResource, on any taggable resource.

Resources register themselves with their backend under their ARN
(``backend.register_taggable``). See ``rules`` for what a tag set may hold.
"""

from __future__ import annotations

from typing import Any

from ...wire.errors import ResourceNotFoundException
from ..kernel.state import Family, Params, operation
from .rules import check_count, check_reserved


class Tags(Family):
    """TagResource, UntagResource and ListTagsForResource."""

    key = "tags"

    def _resource(self, arn: str) -> Any:
        resource = self.backend.taggable_resource(arn)
        if resource is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        return resource

    @operation("TagResource")
    def tag_resource(self, req: Params) -> dict[str, Any]:
        resource = self._resource(req["resourceArn"])
        check_reserved(req["tags"])
        merged = {**resource.tags, **req["tags"]}
        check_count(len(merged), self.backend.settings.quotas.max_tags_per_resource)
        resource.tags = merged
        return {}

    @operation("UntagResource")
    def untag_resource(self, req: Params) -> dict[str, Any]:
        resource = self._resource(req["resourceArn"])
        check_reserved(req["tagKeys"])
        removed = set(req["tagKeys"])
        resource.tags = {k: v for k, v in resource.tags.items() if k not in removed}
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, req: Params) -> dict[str, Any]:
        return {"tags": dict(self._resource(req["resourceArn"]).tags)}
