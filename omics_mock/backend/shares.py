"""Shares: one account's private workflow made runnable by another account.

Shares live mock-wide (both accounts see them). The owner creates a share
(PENDING); the subscriber accepts it (ACTIVATING, then ACTIVE after
``durations.share_activating``); either side deletes it (DELETING, then
DELETED), which ends the subscriber's access at once. While a share is ACTIVE
the subscriber can get the workflow and run it by passing ``workflowOwnerId``;
it cannot export it or duplicate such runs, and the owner cannot delete a
workflow that has shares not yet deleted. Shares of variant and annotation
stores are not simulated (NotSupportedOperationException).
"""

from __future__ import annotations

import datetime as _dt
import re
import threading
from dataclasses import dataclass
from typing import Any

from ..protocol.errors import (
    AccessDeniedException,
    ConflictException,
    NotSupportedOperationException,
    ServiceQuotaExceededException,
    ValidationException,
)
from .base import Family, Params, not_found, operation
from .ids import share_id
from .store import page_list

PENDING, ACTIVATING, ACTIVE, DELETING, DELETED = (
    "PENDING",
    "ACTIVATING",
    "ACTIVE",
    "DELETING",
    "DELETED",
)
LIVE = (PENDING, ACTIVATING, ACTIVE)
_WORKFLOW_ARN = re.compile(
    r"arn:aws:omics:(?P<region>[^:]+):(?P<account>\d{12}):workflow/(?P<id>\d+)"
)


@dataclass(eq=False)
class Share:
    """A share of a resource from its owner to one subscriber account."""

    id: str
    resource_arn: str
    resource_id: str
    owner_id: str
    subscriber: str
    region: str
    creation_time: _dt.datetime
    update_time: _dt.datetime
    name: str | None = None
    status: str = PENDING
    status_message: str | None = None

    def details(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "shareId": self.id,
            "resourceArn": self.resource_arn,
            "resourceId": self.resource_id,
            "principalSubscriber": self.subscriber,
            "ownerId": self.owner_id,
            "status": self.status,
            "creationTime": self.creation_time,
            "updateTime": self.update_time,
        }
        if self.name is not None:
            output["shareName"] = self.name
        if self.status_message is not None:
            output["statusMessage"] = self.status_message
        return output

    def involves(self, account_id: str, region: str) -> bool:
        return region == self.region and account_id in (self.owner_id, self.subscriber)


class ShareRegistry:
    """All shares of one mock, across accounts."""

    def __init__(self) -> None:
        self.shares: dict[str, Share] = {}
        self.lock = threading.RLock()

    def live_for(self, resource_arn: str) -> list[Share]:
        return [
            s
            for s in list(self.shares.values())
            if s.resource_arn == resource_arn and s.status in LIVE
        ]

    def active_grant(
        self, owner_id: str, subscriber: str, region: str, workflow_id: str
    ) -> Share | None:
        for share in list(self.shares.values()):
            if (
                share.status == ACTIVE
                and share.owner_id == owner_id
                and share.subscriber == subscriber
                and share.region == region
                and share.resource_id == workflow_id
            ):
                return share
        return None


class Shares(Family):
    """CreateShare, AcceptShare, GetShare, ListShares, DeleteShare for one caller."""

    attribute = "shares"

    @property
    def registry(self) -> ShareRegistry:
        return self.backend.environment.shares

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
        workflow = backend.workflows.get_private(found.group("id"))
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
                share_id(),
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
        self.backend.environment.schedule_shared(due, activate)
        return {"status": share.status}

    @operation("GetShare")
    def get_share(self, req: Params) -> dict[str, Any]:
        return {"share": self._visible(req["shareId"]).details()}

    @operation("ListShares")
    def list_shares(self, req: Params) -> dict[str, Any]:
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
        page, token = page_list("share", shares, req.get("nextToken"), req.get("maxResults"))
        result: dict[str, Any] = {"shares": [s.details() for s in page]}
        if token is not None:
            result["nextToken"] = token
        return result

    @operation("DeleteShare")
    def delete_share(self, req: Params) -> dict[str, Any]:
        share = self._visible(req["shareId"])
        if share.status in (DELETING, DELETED):
            return {"status": share.status}
        now = self.backend.clock.now()
        share.status, share.update_time = DELETING, now

        def finish(at: _dt.datetime) -> None:
            share.status, share.update_time = DELETED, at

        self.backend.environment.schedule_shared(now, finish)
        return {"status": DELETING}
