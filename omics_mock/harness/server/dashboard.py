"""The dashboard of server mode: its page at ``/_omics_mock/`` and the read-only
control endpoints it polls, ``GET /dashboard/state`` and ``GET /dashboard/runs/{id}``.

Both endpoints only read (``display.views``): the state is caught up with virtual
time, as any request does, and nothing else changes. Query parameters are checked
like the fields of other control endpoints: an unknown parameter, a status no run
can have, a page outside its range or a malformed account answers 400.
"""

from __future__ import annotations

import re
from typing import Any

from ..display import MAX_PAGE, PAGE
from ..display.page import SECURITY_HEADERS, page_html
from ..display.runs import RUN_STATUSES
from .control_request import MAX_WHOLE, Answer, ControlError, ControlRequest, control_route

ACCOUNT_ID = re.compile(r"[0-9]{12}")
REGION = re.compile(r"[a-z]{2}(?:-[a-z0-9]+){1,4}")
"""A Region name as botocore writes them (``us-east-1``, ``us-gov-west-1``)."""
PAGE_PATHS = ("", "/")
"""Paths of the page below the control prefix: ``/_omics_mock`` and ``/_omics_mock/``."""


def page_answer(method: str) -> Answer:
    """The page for GET and HEAD; 405 otherwise."""
    if method not in ("GET", "HEAD"):
        raise ControlError(405, f"{method} is not allowed on the dashboard page; use GET")
    headers = [("Content-Type", "text/html; charset=utf-8"), *SECURITY_HEADERS]
    return 200, headers, page_html()


def _allow_query(request: ControlRequest, *allowed: str) -> None:
    unknown = sorted(set(request.query) - set(allowed))
    if unknown:
        raise ControlError(
            400, f"unknown query parameter(s) {unknown}; expected some of {list(allowed)}"
        )


def _whole(request: ControlRequest, name: str, default: int, low: int, high: int) -> int:
    text = request.query.get(name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 16 or not low <= int(text) <= high:
        raise ControlError(400, f"{name} must be a whole number from {low} to {high}")
    return int(text)


def _scope(request: ControlRequest) -> tuple[str | None, str | None]:
    """``account_id`` and ``region`` from the query, checked (empty: every one)."""
    account_id = request.query.get("account_id") or None
    region = request.query.get("region") or None
    if account_id is not None and ACCOUNT_ID.fullmatch(account_id) is None:
        raise ControlError(400, "account_id must be 12 digits (0-9)")
    if region is not None and REGION.fullmatch(region) is None:
        raise ControlError(400, f"region must be a Region name such as us-east-1, not {region!r}")
    return account_id, region


@control_route("GET", "/dashboard/state")
def _dashboard_state(request: ControlRequest) -> dict[str, Any]:
    _allow_query(request, "status", "offset", "limit", "account_id", "region")
    status = request.query.get("status") or None
    if status is not None and status not in RUN_STATUSES:
        raise ControlError(400, f"status must be one of {list(RUN_STATUSES)}, not {status!r}")
    offset = _whole(request, "offset", 0, 0, MAX_WHOLE)
    limit = _whole(request, "limit", PAGE, 1, MAX_PAGE)
    account_id, region = _scope(request)
    return request.control.overview(
        status=status,
        offset=offset,
        limit=limit,
        account_id=account_id,
        region=region,
    )


@control_route("GET", "/dashboard/runs/{run_id}")
def _dashboard_run(request: ControlRequest) -> dict[str, Any]:
    _allow_query(request, "account_id", "region")
    account_id, region = _scope(request)
    timeline = request.control.runs.timeline(request.run_id, account_id, region)
    clock = request.control.clock
    now = {"now": clock.now(), "offset_seconds": clock.offset.total_seconds(), "scale": clock.scale}
    return {"clock": now, "run": timeline.run}
