"""What shares ask the families that own shareable resources besides workflows.

Workflows are looked up directly; variant and annotation stores answer these, so
the share family imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SharedResource:
    """A resource a share can offer: what ListShares filters on and the quota."""

    resource_type: str
    """``VARIANT_STORE`` or ``ANNOTATION_STORE``."""
    resource_id: str
    arn: str
    max_shares: int


@dataclass(frozen=True, slots=True)
class ShareableResource:
    """Question: which resource of the asking account and Region does ``arn`` name?

    A family answers a ``SharedResource`` for an ARN of its kind, raises the
    modelled error when that resource cannot be shared (not found, not ready),
    and answers ``None`` for ARNs of other kinds.
    """

    arn: str


@dataclass(frozen=True, slots=True)
class SharedResourceRemoved:
    """Notice: the resource ``arn`` is gone; its shares end (DELETED)."""

    arn: str
