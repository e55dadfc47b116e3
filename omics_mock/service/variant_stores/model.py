"""Variant stores (spec §4.1): an analytics store of VCF variants against a reference."""

from __future__ import annotations

from dataclasses import dataclass

from ..analytics.model import AnalyticsStore


@dataclass(eq=False)
class VariantStore(AnalyticsStore):
    """A variant store; its ``reference_arn`` is always set."""
