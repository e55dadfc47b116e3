"""CreateShare, AcceptShare, GetShare, ListShares, DeleteShare.

See ``model`` for the lifecycle. Private workflows are looked up here; variant
and annotation stores answer ``ShareableResource`` (``events``), so this
package imports none of their families.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Any

from ...wire.errors import (
    AccessDeniedException,
    ConflictException,
    ServiceQuotaExceededException,
    ValidationException,
)
from ..kernel.events import reacts_to
from ..kernel.state import Family, Params, not_found, operation
from ..kernel.store import Listing
from ..workflows.ops import Workflows
from .events import ShareableResource, SharedResource, SharedResourceRemoved
from .model import ACTIVATING, ACTIVE, DELETED, DELETING, LIVE, PENDING, Share, ShareRegistry

_WORKFLOW_ARN = re.compile(
    r"arn:aws:omics:(?P<region>[^:]+):(?P<account>\d{12}):workflow/(?P<id>\d+)"
)


class Shares(Family):
    """CreateShare, AcceptShare, GetShare, ListShares, DeleteShare for one caller."""

    key = "shares"

    @property
    def registry(self) -> ShareRegistry:
        return self.backend.state.shared(ShareRegistry)

    def _visible(self, share_id_value: str) -> Share:
        share = self.registry.shares.get(share_id_value)
        if share is None or not share.involves(self.backend.account_id, self.backend.region):
            raise not_found("Share", share_id_value)
        self._catch_up_owners([share])
        return share

    def _catch_up_owners(self, shares: list[Share]) -> None:
        """A store deleted in its owner's virtual time ends its shares: bring the owners'
        accounts up to now before a subscriber reads them."""
        backend = self.backend
        owners = {s.owner_id for s in shares if s.resource_type != "WORKFLOW"}
        owners.discard(backend.account_id)
        for owner_id in sorted(owners):
            owner = backend.state.backend(owner_id, backend.region)
            # Never wait for the owner's lock while holding the caller's (two accounts
            # sharing with each other could deadlock): catch up only if it is free.
            if owner.lock.acquire(blocking=False):
                try:
                    owner.catch_up()
                finally:
                    owner.lock.release()

    @operation("CreateShare")
    def create_share(self, req: Params) -> dict[str, Any]:
        backend = self.backend
        resource = self._resource(req["resourceArn"])
        subscriber = req["principalSubscriber"]
        if not (len(subscriber) == 12 and subscriber.isdigit()):
            raise ValidationException("principalSubscriber must be a 12-digit AWS account ID.")
        if subscriber == backend.account_id:
            raise ValidationException("A resource cannot be shared with its own account.")
        noun = _NOUNS[resource.resource_type]
        with self.registry.lock:
            live = self.registry.live_for(resource.arn)
            if any(s.subscriber == subscriber for s in live):
                raise ConflictException(
                    f"{noun} {resource.resource_id} is already shared with {subscriber}."
                )
            if len(live) >= resource.max_shares:
                raise ServiceQuotaExceededException(
                    f"{noun} {resource.resource_id} has the maximum number of shares "
                    f"({resource.max_shares})."
                )
            now = backend.clock.now()
            share = Share(
                backend.ids.share_id(),
                resource.arn,
                resource.resource_id,
                backend.account_id,
                subscriber,
                backend.region,
                now,
                now,
                req.get("shareName"),
                resource.resource_type,
            )
            self.registry.shares[share.id] = share
        output: dict[str, Any] = {"shareId": share.id, "status": share.status}
        if share.name is not None:
            output["shareName"] = share.name
        return output

    def _resource(self, arn: str) -> SharedResource:
        """The workflow or store ``arn`` names in the caller's account and Region."""
        backend = self.backend
        found = _WORKFLOW_ARN.fullmatch(arn)
        if found is not None:
            if (found.group("account"), found.group("region")) != (
                backend.account_id,
                backend.region,
            ):
                raise not_found("Workflow", found.group("id"))
            workflow = backend.get(Workflows).get_private(found.group("id"))
            quota = backend.settings.quotas.max_shares_per_workflow
            return SharedResource("WORKFLOW", workflow.id, workflow.arn, quota)
        for answer in backend.events.publish(ShareableResource(arn)):
            if answer is not None:
                return answer  # type: ignore[no-any-return]
        raise ValidationException(
            "resourceArn is not the ARN of a HealthOmics workflow, variant store or "
            f"annotation store: {arn}"
        )

    @operation("AcceptShare")
    def accept_share(self, req: Params) -> dict[str, Any]:
        share = self._visible(req["shareId"])
        if share.subscriber != self.backend.account_id:
            raise AccessDeniedException("Only the subscriber account can accept a share.")
        if share.status != PENDING:
            raise ConflictException(
                f"Share {share.id} cannot be accepted in status {share.status}."
            )
        now = self.backend.clock.now()
        share.status, share.update_time = ACTIVATING, now
        due = now + self.backend.settings.durations.share_activating
        self.backend.state.schedule_shared(due, functools.partial(self._activated, share))
        return {"status": share.status}

    def _activated(self, share: Share, at: _dt.datetime) -> None:
        if share.status == ACTIVATING:
            share.status, share.update_time = ACTIVE, at

    @operation("GetShare")
    def get_share(self, req: Params) -> dict[str, Any]:
        return {"share": self._visible(req["shareId"]).details()}

    @operation("ListShares")
    def list_shares(self, req: Params) -> Listing:
        account, region = self.backend.account_id, self.backend.region
        mine = req["resourceOwner"] == "SELF"
        wanted = req.get("filter") or {}
        arns, statuses, types = wanted.get("resourceArns"), wanted.get("status"), wanted.get("type")
        if not mine:
            self._catch_up_owners(
                [s for s in list(self.registry.shares.values()) if s.subscriber == account]
            )
        shares = [
            s
            for s in list(self.registry.shares.values())
            if s.region == region
            and (s.owner_id if mine else s.subscriber) == account
            and (arns is None or s.resource_arn in arns)
            and (statuses is None or s.status in statuses)
            and (types is None or s.resource_type in types)
        ]
        return Listing(shares, Share.details, kind="share")

    @operation("DeleteShare")
    def delete_share(self, req: Params) -> dict[str, Any]:
        share = self._visible(req["shareId"])
        if share.status in (DELETING, DELETED):
            return {"status": share.status}
        now = self.backend.clock.now()
        share.status, share.update_time = DELETING, now
        self.backend.state.schedule_shared(now, functools.partial(self._deleted, share))
        return {"status": DELETING}

    def _deleted(self, share: Share, at: _dt.datetime) -> None:
        share.status, share.update_time = DELETED, at

    @reacts_to(SharedResourceRemoved)
    def resource_removed(self, notice: SharedResourceRemoved) -> None:
        """A shared store is gone: its shares end."""
        now = self.backend.clock.now()
        with self.registry.lock:
            for share in self.registry.live_for(notice.arn):
                if share.owner_id == self.backend.account_id and share.status in LIVE:
                    share.status, share.update_time = DELETED, now


_NOUNS = {
    "WORKFLOW": "Workflow",
    "VARIANT_STORE": "Variant store",
    "ANNOTATION_STORE": "Annotation store",
}
