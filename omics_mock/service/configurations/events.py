"""Questions configurations ask other families."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConfigurationInUse:
    """Question: which active runs use configuration ``name``? Answer a list of run IDs."""

    name: str
