"""What sequence stores ask and tell the families that keep things in them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SequenceStoreInUse:
    """Question: does something keep store ``store_id`` from being deleted?

    Answer a message saying what (read sets, uploads, running jobs), or ``None``.
    """

    store_id: str


@dataclass(frozen=True, slots=True)
class SequenceStoreRemoved:
    """A sequence store is gone: forget what was kept for it (finished jobs)."""

    store_id: str
