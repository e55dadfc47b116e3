"""The endpoints of the HTTP control API, under ``/_omics_mock``: each a thin call into
the Python control API of the server's state, so non-Python clients can drive tests.
See ``docs/server.md``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import re
import threading
from dataclasses import asdict, fields
from typing import Any

from ...service.kernel.clock import MAX_SCALE
from .control_request import (
    MAX_CLOCK_OFFSET,
    MAX_DURATION,
    RATE_RANGE,
    ControlError,
    ControlRequest,
    control_route,
)

S3_OBJECT_URI = re.compile(r"s3://[^/]+/.+")
ACCOUNT_ID = re.compile(r"[0-9]{12}")
_CLOCK_LOCK = threading.Lock()
"""Makes the horizon check and the advance of ``/clock/advance`` one step."""


# -- endpoints ----------------------------------------------------------------------------


def _clock(request: ControlRequest) -> dict[str, Any]:
    clock = request.control.clock
    return {
        "now": clock.now(),
        "offset_seconds": clock.offset.total_seconds(),
        "scale": clock.scale,
    }


@control_route("GET", "/health")
def _health(request: ControlRequest) -> dict[str, Any]:
    return {"status": "ok"}


@control_route("GET", "/state")
def _state(request: ControlRequest) -> dict[str, Any]:
    return request.control.describe()


@control_route("POST", "/reset")
def _reset(request: ControlRequest) -> dict[str, Any]:
    request.allow()
    request.server.reset()
    return {"reset": True}


control_route("GET", "/clock")(_clock)

_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


@control_route("POST", "/clock/advance")
def _advance(request: ControlRequest) -> dict[str, Any]:
    request.allow(*_UNITS)
    horizon = MAX_CLOCK_OFFSET.total_seconds()
    units = {
        unit: request.number(unit, maximum=horizon / seconds)
        for unit, seconds in _UNITS.items()
        if unit in request.body
    }
    step = _dt.timedelta(**units)
    clock = request.control.clock
    with _CLOCK_LOCK:
        if clock.offset + step > MAX_CLOCK_OFFSET:
            left = (MAX_CLOCK_OFFSET - clock.offset).total_seconds()
            raise ControlError(
                400,
                f"virtual time runs at most {MAX_CLOCK_OFFSET.days} days ahead of the wall "
                f"clock; {left:g} seconds are left",
            )
        clock.advance(step)
    return _clock(request)


@control_route("POST", "/clock/scale")
def _scale(request: ControlRequest) -> dict[str, Any]:
    request.allow("scale")
    if "scale" not in request.body:
        raise ControlError(400, "scale is required")
    request.control.clock.scale = request.number("scale", maximum=MAX_SCALE)
    return _clock(request)


@control_route("GET", "/runs/{run_id}")
def _run_status(request: ControlRequest) -> dict[str, Any]:
    run = request.control.runs.get(request.run_id, **request.scope())
    return {"id": run.id, "status": run.status, "account_id": run.account_id, "region": run.region}


@control_route("POST", "/runs/{run_id}/complete")
def _complete(request: ControlRequest) -> dict[str, Any]:
    request.allow("immediately", "account_id", "region")
    immediately = request.flag("immediately", True)
    request.control.runs.complete(request.run_id, immediately=immediately, **request.scope())
    return _run_status(request)


@control_route("POST", "/runs/{run_id}/fail")
def _fail(request: ControlRequest) -> dict[str, Any]:
    request.allow("reason", "message", "immediately", "account_id", "region")
    request.control.runs.fail(
        request.run_id,
        request.text("reason", "WORKFLOW_RUN_FAILED"),
        request.optional_text("message"),
        immediately=request.flag("immediately", True),
        **request.scope(),
    )
    return _run_status(request)


@control_route("POST", "/runs/{run_id}/keep-running")
def _keep_running(request: ControlRequest) -> dict[str, Any]:
    request.allow("account_id", "region")
    request.control.runs.keep_running(request.run_id, **request.scope())
    return _run_status(request)


@control_route("POST", "/runs/{run_id}/release")
def _release(request: ControlRequest) -> dict[str, Any]:
    request.allow("account_id", "region")
    request.control.runs.release(request.run_id, **request.scope())
    return _run_status(request)


_PHASES = ("pending", "starting", "running", "stopping", "task")


@control_route("POST", "/durations")
def _durations(request: ControlRequest) -> dict[str, Any]:
    request.allow("workflow_id", "run_id", *_PHASES)
    longest = MAX_DURATION.total_seconds()
    phases = {
        phase: request.number(phase, maximum=longest) for phase in _PHASES if phase in request.body
    }
    request.control.runs.set_durations(
        workflow_id=request.optional_text("workflow_id"),
        run_id=request.optional_text("run_id"),
        **phases,
    )
    return {"durations": asdict(request.control.settings.durations.run)}


_OUTCOME_FORMS = 'an outcome is "COMPLETED", "FAILED" or ["FAILED", reason]'


def _outcome(value: Any) -> str | tuple[str, str]:
    if isinstance(value, str) and value in ("COMPLETED", "FAILED"):
        return value
    if isinstance(value, list) and len(value) == 2:
        status, reason = value
        if status == "FAILED" and isinstance(reason, str):
            return status, reason
    raise ControlError(400, _OUTCOME_FORMS)


@control_route("POST", "/workflows/{workflow_id}/outcomes")
def _script(request: ControlRequest) -> dict[str, Any]:
    request.allow("outcomes")
    outcomes = request.body.get("outcomes", [])
    if not isinstance(outcomes, list):
        raise ControlError(400, "outcomes must be a list")
    request.control.runs.script(request.path_args["workflow_id"], [_outcome(o) for o in outcomes])
    return {"scripted": len(outcomes)}


@control_route("POST", "/default-outcome")
def _default_outcome(request: ControlRequest) -> dict[str, Any]:
    request.allow("outcome")
    request.control.runs.set_default_outcome(_outcome(request.body.get("outcome")))
    return {"default_outcome": request.body["outcome"]}


@control_route("POST", "/progress")
def _progress(request: ControlRequest) -> dict[str, Any]:
    request.allow("mode")
    request.control.runs.progress = request.text("mode")
    return {"mode": request.control.runs.progress}


def _faults(request: ControlRequest) -> dict[str, Any]:
    pending = [
        {
            "operation": f.operation,
            "error": f.error_code,
            "message": f.message,
            "remaining": f.remaining,
        }
        for f in request.control.faults.pending()
    ]
    return {"faults": pending}


control_route("GET", "/faults")(_faults)


@control_route("POST", "/faults")
def _inject(request: ControlRequest) -> dict[str, Any]:
    request.allow("operation", "error", "times", "message")
    request.control.faults.inject(
        request.text("operation"),
        request.text("error", "InternalServerException"),
        times=request.whole("times", minimum=1, default=1),
        message=request.optional_text("message"),
    )
    return _faults(request)


@control_route("DELETE", "/faults")
def _clear_faults(request: ControlRequest) -> dict[str, Any]:
    request.allow()
    request.control.faults.clear()
    return _faults(request)


@control_route("GET", "/requests")
def _requests(request: ControlRequest) -> dict[str, Any]:
    operation = request.query.get("operation")
    records = [r for r in list(request.control.requests) if operation in (None, r.operation)]
    items = [
        {
            "time": r.time,
            "operation": r.operation,
            "account_id": r.account_id,
            "region": r.region,
            "error_code": r.error_code,
            "status": r.status,
        }
        for r in records
    ]
    return {"count": len(items), "requests": items}


@control_route("POST", "/accounts")
def _map_account(request: ControlRequest) -> dict[str, Any]:
    request.allow("access_key_id", "account_id")
    access_key_id, account_id = request.text("access_key_id"), request.text("account_id")
    if not access_key_id:
        raise ControlError(400, "access_key_id must not be empty")
    if ACCOUNT_ID.fullmatch(account_id) is None:
        raise ControlError(400, "account_id must be 12 digits (0-9)")
    request.control.accounts.map(access_key_id, account_id)
    return {"mapped": request.body}


def _quota(request: ControlRequest, name: str, kind: type) -> int | float:
    """A count quota is a whole number; a ``*_tps`` quota a rate in ``RATE_RANGE``."""
    if kind is int:
        return request.whole(name)
    low, high = RATE_RANGE
    return request.number(name, minimum=low, maximum=high)


@control_route("PUT", "/quotas")
def _quotas(request: ControlRequest) -> dict[str, Any]:
    quotas = request.control.settings.quotas
    kinds = {field.name: type(getattr(quotas, field.name)) for field in fields(quotas)}
    request.allow(*kinds)
    values = {name: _quota(request, name, kinds[name]) for name in request.body}
    for name, value in values.items():
        setattr(quotas, name, value)
    return {"quotas": asdict(quotas)}


@control_route("PUT", "/s3")
def _put_object(request: ControlRequest) -> dict[str, Any]:
    request.allow("uri", "data", "data_base64")
    uri = request.text("uri")
    if S3_OBJECT_URI.fullmatch(uri) is None:
        raise ControlError(400, f"uri must be an S3 object URI (s3://bucket/key): {uri}")
    return {"etag": request.control.s3.put_object(uri, _object_data(request))}


def _object_data(request: ControlRequest) -> bytes:
    """The bytes of ``data`` (UTF-8 text) or ``data_base64``: exactly one of them."""
    if ("data" in request.body) == ("data_base64" in request.body):
        raise ControlError(400, "give exactly one of data (text) and data_base64")
    if "data" in request.body:
        try:
            return request.text("data").encode("utf-8")
        except UnicodeEncodeError:
            raise ControlError(400, "data must be Unicode text without lone surrogates") from None
    try:
        return base64.b64decode(request.text("data_base64"), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ControlError(400, f"data_base64 is not valid base64: {error}") from None
