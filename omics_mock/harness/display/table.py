"""The notebook display of a mock: its runs, per account and Region, as an HTML table.

``state_html`` renders a ``views.state_view``: the virtual clock, then for each
account and Region the counts by status and the newest runs (``ROWS`` of them, then
a note saying how many more), each status coloured as on the dashboard. Inline
styles only (notebooks drop stylesheets), every value escaped.
"""

from __future__ import annotations

import datetime as _dt
import html
from typing import Any

from ...wire.serialize import iso8601
from .palette import colours
from .timeline import duration

ROWS = 20
"""Runs shown per account and Region; the rest are counted in a note."""
_CELL = "padding:2px 8px;border-bottom:1px solid #e5e7eb;text-align:left"
_BOX = "font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:13px"
_OTHERS = (
    ("workflows", "workflows"),
    ("run_groups", "run groups"),
    ("batches", "batches"),
    ("run_caches", "run caches"),
    ("sequence_stores", "sequence stores"),
    ("read_sets", "read sets"),
    ("reference_stores", "reference stores"),
    ("references", "references"),
    ("variant_stores", "variant stores"),
    ("annotation_stores", "annotation stores"),
)


def esc(value: object) -> str:
    """A value as escaped HTML text (``None`` as a dash)."""
    if value is None:
        return "-"
    if isinstance(value, _dt.datetime):
        return html.escape(iso8601(value))
    return html.escape(str(value), quote=True)


def status_badge(status: str) -> str:
    back, text = colours(status)
    return (
        f'<span class="status status-{esc(status)}" style="background:{back};color:{text};'
        f'padding:1px 6px;border-radius:8px;white-space:nowrap">{esc(status)}</span>'
    )


def state_html(view: dict[str, Any], rows: int = ROWS) -> str:
    """The HTML of a state view (``views.state_view``), at most ``rows`` runs per backend."""
    clock = view["clock"]
    head = (
        f"<div><b>omics-mock</b>: virtual time {esc(clock['now'])} "
        f"(offset {esc(duration(clock['offset_seconds']))}, scale {esc(clock['scale'])})</div>"
    )
    if not view["backends"]:
        body = '<div style="color:#6b7280">No account or Region has been used yet.</div>'
    else:
        body = "".join(_backend_html(backend, rows) for backend in view["backends"])
    return f'<div class="omics-mock" style="{_BOX}">{head}{body}</div>'


def _backend_html(backend: dict[str, Any], rows: int) -> str:
    runs = backend["runs"]
    counts = " ".join(
        f"{status_badge(status)}&nbsp;{count}" for status, count in runs["counts"].items()
    )
    others = ", ".join(
        f"{label}: {backend[key]['total']}" for key, label in _OTHERS if backend[key]["total"]
    )
    parts = [
        f'<div class="backend" style="margin-top:8px"><b>Account {esc(backend["account_id"])}, '
        f"{esc(backend['region'])}</b>: {runs['total']} run(s) {counts}</div>",
    ]
    if others:
        parts.append(f'<div style="color:#4b5563">{esc(others)}</div>')
    items = runs["items"][:rows]
    if items:
        parts.append(_runs_table(items))
    more = runs["matching"] - len(items)
    if more > 0:
        parts.append(
            f'<div class="more" style="color:#6b7280">{more} more run(s) not shown '
            f"(newest first; the dashboard or ListRuns shows them all)</div>"
        )
    return "".join(parts)


def _runs_table(items: list[dict[str, Any]]) -> str:
    header = "".join(
        f'<th style="{_CELL}">{name}</th>'
        for name in (
            "run",
            "name",
            "status",
            "workflow",
            "group",
            "batch",
            "tasks done",
            "time",
            "failure reason",
        )
    )
    body = []
    for run in items:
        done = sum(1 for task in run["tasks"] if task["status"] == "COMPLETED")
        cells = (
            esc(run["id"]),
            esc(run["name"]),
            status_badge(run["status"]),
            esc(run["workflow_name"] or run["workflow_id"]),
            esc(run["run_group_id"]),
            esc(run["batch_id"]),
            f"{done}/{run['task_count']}",
            esc(duration(run["span"])),
            esc(run["failure_reason"]) if run["failure_reason"] else "",
        )
        row = "".join(f'<td style="{_CELL}">{cell}</td>' for cell in cells)
        body.append(f'<tr class="run" data-run="{esc(run["id"])}">{row}</tr>')
    return (
        f'<table class="runs" style="border-collapse:collapse;margin-top:4px">'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
