"""One colour per status, shared by the dashboard page, the notebook table and the
SVG timeline, so a status looks the same everywhere."""

from __future__ import annotations

GREY = ("#e5e7eb", "#374151")

STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "PLANNED": ("#f3f4f6", "#6b7280"),
    "PENDING": ("#e5e7eb", "#374151"),
    "CREATING": ("#e5e7eb", "#374151"),
    "STARTING": ("#bfdbfe", "#1e3a8a"),
    "SUBMITTING": ("#bfdbfe", "#1e3a8a"),
    "UPDATING": ("#bfdbfe", "#1e3a8a"),
    "RUNNING": ("#3b82f6", "#ffffff"),
    "INPROGRESS": ("#3b82f6", "#ffffff"),
    "IN_PROGRESS": ("#3b82f6", "#ffffff"),
    "STOPPING": ("#fde68a", "#78350f"),
    "RUNS_DELETING": ("#fde68a", "#78350f"),
    "DELETING": ("#fde68a", "#78350f"),
    "COMPLETED": ("#16a34a", "#ffffff"),
    "COMPLETED_WITH_FAILURES": ("#ca8a04", "#ffffff"),
    "PROCESSED": ("#16a34a", "#ffffff"),
    "ACTIVE": ("#16a34a", "#ffffff"),
    "RUNS_DELETED": ("#9ca3af", "#ffffff"),
    "FAILED": ("#dc2626", "#ffffff"),
    "RUNS_DELETE_FAILED": ("#dc2626", "#ffffff"),
    "CANCELLED": ("#6b7280", "#ffffff"),
    "CANCELED": ("#6b7280", "#ffffff"),
    "DELETED": ("#9ca3af", "#ffffff"),
    "INACTIVE": ("#9ca3af", "#ffffff"),
}
"""Status -> (background, text colour). Unknown statuses are grey."""


def colours(status: str | None) -> tuple[str, str]:
    """(background, text colour) of a status."""
    return STATUS_COLOURS.get(status or "", GREY)


def status_css() -> str:
    """CSS rules ``.st-<STATUS>`` for every known status (the dashboard page's)."""
    return "\n".join(
        f".st-{status}{{background:{back};color:{text}}}"
        for status, (back, text) in STATUS_COLOURS.items()
    )
