"""CreateShare, AcceptShare, GetShare, ListShares, DeleteShare.

See ``model`` for the lifecycle. Only workflows can be shared here; sharing a
variant or annotation store answers NotSupportedOperationException.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from ...wire.errors import (
    AccessDeniedException,
    ConflictException,
    NotSupportedOperationException,
    ServiceQuotaExceededException,
    ValidationException,
)
from ..kernel.state import Family, Params, not_found, operation
from ..kernel.store import Listing
from ..workflows.ops import Workflows
from .model import ACTIVATING, ACTIVE, DELETED, DELETING, PENDING, Share, ShareRegistry

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
        return share

    @operation("CreateShare")
    def create_share(self, req: Params) -> dict[str, Any]:
        backend = self.backend
        arn = req["resourceArn"]
        found = _WORKFLOW_ARN.fullmatch(arn)
        if found is None:
            if ":variantStore/" in arn or ":annotationStore/" in arn:
                raise NotSupportedOperationException(
                    "Sharing variant and annotation stores is not implemented by omics-mock; "
                    "workflows can be shared."
                )
            raise ValidationException(f"resourceArn is not a HealthOmics workflow ARN: {arn}")
        if found.group("account") != backend.account_id or found.group("region") != backend.region:
            raise not_found("Workflow", found.group("id"))
        workflow = backend.get(Workflows).get_private(found.group("id"))
        subscriber = req["principalSubscriber"]
        if not (len(subscriber) == 12 and subscriber.isdigit()):
            raise ValidationException("principalSubscriber must be a 12-digit AWS account ID.")
        if subscriber == backend.account_id:
            raise ValidationException("A resource cannot be shared with its own account.")
        with self.registry.lock:
            live = self.registry.live_for(workflow.arn)
            if any(s.subscriber == subscriber for s in live):
                raise ConflictException(
                    f"Workflow {workflow.id} is already shared with {subscriber}."
                )
            quota = backend.settings.quotas.max_shares_per_workflow
            if len(live) >= quota:
                raise ServiceQuotaExceededException(
                    f"Workflow {workflow.id} has the maximum number of shares ({quota})."
                )
            now = backend.clock.now()
            share = Share(
                backend.ids.share_id(),
                workflow.arn,
                workflow.id,
                backend.account_id,
                subscriber,
                backend.region,
                now,
                now,
                req.get("shareName"),
            )
            self.registry.shares[share.id] = share
        output: dict[str, Any] = {"shareId": share.id, "status": share.status}
        if share.name is not None:
            output["shareName"] = share.name
        return output

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

        def activate(at: _dt.datetime) -> None:
            if share.status == ACTIVATING:
                share.status, share.update_time = ACTIVE, at

        due = now + self.backend.settings.durations.share_activating
        self.backend.state.schedule_shared(due, activate)
        return {"status": share.status}

    @operation("GetShare")
    def get_share(self, req: Params) -> dict[str, Any]:
        return {"share": self._visible(req["shareId"]).details()}

    @operation("ListShares")
    def list_shares(self, req: Params) -> Listing:
        account, region = self.backend.account_id, self.backend.region
        mine = req["resourceOwner"] == "SELF"
        wanted = req.get("filter") or {}
        arns, statuses, types = wanted.get("resourceArns"), wanted.get("status"), wanted.get("type")
        if types is not None and "WORKFLOW" not in types:
            shares: list[Share] = []
        else:
            shares = [
                s
                for s in list(self.registry.shares.values())
                if s.region == region
                and (s.owner_id if mine else s.subscriber) == account
                and (arns is None or s.resource_arn in arns)
                and (statuses is None or s.status in statuses)
            ]
        return Listing(shares, Share.details, kind="share")

    @operation("DeleteShare")
    def delete_share(self, req: Params) -> dict[str, Any]:
        share = self._visible(req["shareId"])
        if share.status in (DELETING, DELETED):
            return {"status": share.status}
        now = self.backend.clock.now()
        share.status, share.update_time = DELETING, now

        def finish(at: _dt.datetime) -> None:
            share.status, share.update_time = DELETED, at

        self.backend.state.schedule_shared(now, finish)
        return {"status": DELETING}
