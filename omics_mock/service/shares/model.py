"""Shares and the mock-wide registry that holds them (both accounts see a share).

One account's private workflow made runnable by another account, or one account's
variant or annotation store offered to another.

Shares live mock-wide (both accounts see them). The owner creates a share
(PENDING); the subscriber accepts it (ACTIVATING, then ACTIVE after
``durations.share_activating``); either side deletes it (DELETING, then
DELETED), which ends the subscriber's access at once. While a share is ACTIVE
the subscriber can get the workflow and run it by passing ``workflowOwnerId``;
it cannot export it or duplicate such runs, and the owner cannot delete a
workflow that has shares not yet deleted. A share of a variant or annotation
store follows the same lifecycle (the mock has no Lake Formation or RAM to
grant); deleting the store ends its shares (DELETED).
"""

from __future__ import annotations

import datetime as _dt
import threading
from dataclasses import dataclass
from typing import Any

PENDING, ACTIVATING, ACTIVE, DELETING, DELETED = (
    "PENDING",
    "ACTIVATING",
    "ACTIVE",
    "DELETING",
    "DELETED",
)
LIVE = (PENDING, ACTIVATING, ACTIVE)


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
    resource_type: str = "WORKFLOW"
    """``WORKFLOW``, ``VARIANT_STORE`` or ``ANNOTATION_STORE`` (ListShares' ``type`` filter)."""
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
                and share.resource_type == "WORKFLOW"
                and share.owner_id == owner_id
                and share.subscriber == subscriber
                and share.region == region
                and share.resource_id == workflow_id
            ):
                return share
        return None
