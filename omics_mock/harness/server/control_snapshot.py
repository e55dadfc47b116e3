"""Snapshots over HTTP: ``GET /_omics_mock/snapshot`` answers the whole state as JSON (the
same document as ``m.snapshot()``); ``POST /_omics_mock/restore`` with such a document
as the body replaces the state (400 with the reason, and nothing changed, if refused).
See ``docs/snapshots.md``.
"""

from __future__ import annotations

from typing import Any

from .control_request import ControlRequest, control_route


@control_route("GET", "/snapshot")
def _snapshot(request: ControlRequest) -> dict[str, Any]:
    return request.control.snapshot()


@control_route("POST", "/restore")
def _restore(request: ControlRequest) -> dict[str, Any]:
    request.control.restore(request.body)
    return {"restored": True, "virtual_time": request.body["virtual_time"]}
