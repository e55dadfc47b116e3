"""A run's timeline: its phases and one bar per task over virtual time.

``RunTimeline`` (what ``m.runs.timeline(run_id)`` returns) is a snapshot taken when
it is made. Notebooks show it as SVG drawn here (``_repr_svg_``, ``_repr_html_``);
``str()`` is a text Gantt chart for terminals and logs. Every name in it is escaped.
"""

from __future__ import annotations

import html
from typing import Any

from .palette import colours
from .runs import PLANNED

WIDTH = 760
LABEL = 170
ROW = 22
BAR = 14
TOP = 26
AXIS = 28
TEXT_COLUMNS = 40
_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)
_FONT = "font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:12px"


def duration(total: float | None) -> str:
    """``2m30s``, ``1h05m``, ``45s``, ``3d4h``."""
    if total is None:
        return "-"
    whole = int(round(total))
    if whole < 0:
        return "-" + duration(-whole)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def tick_step(span: float, most: int = 8) -> float:
    """The smallest round step that puts at most ``most`` ticks on ``span`` seconds."""
    for step in _STEPS:
        if span / step <= most:
            return float(step)
    day = 86400.0
    while span / day > most:
        day *= 2
    return day


class RunTimeline:
    """The timeline of one run, from ``run_view`` data (see ``display.runs``)."""

    def __init__(self, run: dict[str, Any]) -> None:
        self.run = run

    @property
    def run_id(self) -> str:
        return str(self.run["id"])

    @property
    def status(self) -> str:
        return str(self.run["status"])

    @property
    def tasks(self) -> list[dict[str, Any]]:
        return list(self.run["tasks"])

    @property
    def span(self) -> float:
        """Seconds from the run's creation to its end (or now, while it is active)."""
        return float(self.run["span"] or 0.0)

    @property
    def horizon(self) -> float:
        """The axis: the span, or the end of the last planned task if later."""
        return max(float(self.run["horizon"] or 0.0), 1.0)

    # -- text -------------------------------------------------------------------------

    def title(self) -> str:
        run = self.run
        name = f" {run['name']!r}" if run["name"] else ""
        return (
            f"Run {run['id']}{name} {run['status']}, workflow {run['workflow_id']}: "
            f"{duration(run['span'])} of virtual time"
        )

    def __repr__(self) -> str:
        return f"<RunTimeline run {self.run_id} {self.status}, {len(self.run['tasks'])} task(s)>"

    def __str__(self) -> str:
        run = self.run
        lines = [self.title()]
        if run["failure_reason"]:
            lines.append(f"  failure reason: {run['failure_reason']}")
        lines.append(
            "  "
            + " | ".join(
                f"{p['status']} {duration(p['start'])}-{duration(p['end'])}" for p in run["phases"]
            )
        )
        if not run["tasks"]:
            lines.append(f"  no task has started yet ({run['task_count']} planned)")
            return "\n".join(lines)
        width = max(len(str(t["name"])) for t in run["tasks"])
        for task in run["tasks"]:
            start, end = float(task["start"]), float(task["end"])
            first = int(start / self.horizon * TEXT_COLUMNS)
            last = max(int(end / self.horizon * TEXT_COLUMNS), first + 1)
            mark = "." if task["status"] == PLANNED else "#"
            bar = " " * first + mark * (last - first)
            lines.append(
                f"  {task['name']:<{width}}  {task['status']:<9}  "
                f"{duration(start):>7} {duration(end):>7}  |{bar:<{TEXT_COLUMNS}}|"
            )
        return "\n".join(lines)

    # -- SVG --------------------------------------------------------------------------

    def _x(self, seconds: float) -> float:
        return LABEL + (WIDTH - LABEL - 12) * min(max(seconds, 0.0), self.horizon) / self.horizon

    def to_svg(self) -> str:
        """The timeline as a standalone SVG document (no external assets)."""
        tasks = self.run["tasks"]
        rows = 1 + len(tasks)
        height = TOP + rows * ROW + AXIS
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="omics-mock-timeline" '
            f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'role="img" style="{_FONT}">',
            f"<title>{_esc(self.title())}</title>",
            f'<text x="4" y="16" font-weight="bold">{_esc(self.title())}</text>',
        ]
        parts += self._axis(TOP, TOP + rows * ROW)
        parts += self._row_label(0, "run phases")
        for phase in self.run["phases"]:
            parts.append(self._bar(0, phase, "phase", f"{phase['status']}"))
        for index, task in enumerate(tasks, start=1):
            parts += self._row_label(index, str(task["name"]))
            parts.append(self._bar(index, task, "task", self._task_tip(task)))
        if self.run["active"]:
            x = self._x(self.span)
            parts.append(
                f'<line class="now" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 4}" '
                f'y2="{TOP + rows * ROW}" stroke="#111827" stroke-dasharray="3,3"/>'
            )
        parts.append("</svg>")
        return "".join(parts)

    def _axis(self, top: int, bottom: int) -> list[str]:
        step = tick_step(self.horizon)
        parts = []
        tick = 0.0
        while tick <= self.horizon + 1e-9:
            x = self._x(tick)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" stroke="#e5e7eb"/>'
                f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#6b7280">'
                f"{duration(tick)}</text>"
            )
            tick += step
        return parts

    def _row_label(self, row: int, label: str) -> list[str]:
        y = TOP + row * ROW + ROW / 2 + 4
        short = label if len(label) <= 24 else label[:23] + "…"
        return [f'<text class="label" x="4" y="{y:.1f}">{_esc(short)}</text>']

    def _bar(self, row: int, item: dict[str, Any], kind: str, tip: str) -> str:
        status = str(item["status"])
        back, _ = colours(status)
        x1, x2 = self._x(float(item["start"])), self._x(float(item["end"] or 0.0))
        width = max(x2 - x1, 2.0)
        y = TOP + row * ROW + (ROW - BAR) / 2
        style = f'fill="{back}"'
        if status == PLANNED:
            style = 'fill="#ffffff" stroke="#9ca3af" stroke-dasharray="3,2"'
        return (
            f'<rect class="{kind} st-{_esc(status)}" x="{x1:.1f}" y="{y:.1f}" '
            f'width="{width:.1f}" height="{BAR}" rx="3" {style}>'
            f"<title>{_esc(tip)}</title></rect>"
        )

    @staticmethod
    def _task_tip(task: dict[str, Any]) -> str:
        identity = f" (task {task['id']})" if task.get("id") else ""
        cached = ", cache hit" if task.get("cache_hit") else ""
        return (
            f"{task['name']}{identity}: {task['status']} "
            f"{duration(task['start'])}-{duration(task['end'])}, "
            f"{task['cpus']} vCPU, {task['memory']} GiB{cached}"
        )

    # -- notebooks --------------------------------------------------------------------

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def _repr_html_(self) -> str:
        reason = self.run["failure_reason"]
        note = (
            f'<div style="color:#b91c1c">failure reason: {_esc(str(reason))}</div>'
            if reason
            else ""
        )
        if not self.run["tasks"]:
            note += (
                f'<div style="color:#6b7280">no task has started yet '
                f"({int(self.run['task_count'])} planned)</div>"
            )
        return f'<div class="omics-mock-run-timeline" style="{_FONT}">{self.to_svg()}{note}</div>'


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
