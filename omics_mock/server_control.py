"""The HTTP control API of server mode, under ``/_omics_mock``, as JSON.

Each endpoint is a thin call into the Python control API (``omics_mock.control``)
of the server's state, so non-Python clients can drive tests. Every field of a
request is checked here first (type, finite number, range the state can hold),
so a refusal changes nothing. Errors answer ``{"error": message}``: 400 for bad
input, 404 for unknown runs and paths, 405 for a known path with the wrong
method. See ``docs/server.md``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import math
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol
from urllib.parse import parse_qs

from .control import Control
from .protocol.errors import ValidationException
from .protocol.serialize import iso8601

CONTROL_PREFIX = "/_omics_mock"
JSON_HEADERS = (("Content-Type", "application/json"),)

Answer = tuple[int, list[tuple[str, str]], bytes]

MAX_WHOLE = 2**53 - 1
"""The largest count a field takes: the largest integer every JSON reader holds exactly."""
MAX_CLOCK_OFFSET = _dt.timedelta(days=365_000)
"""How far virtual time may run ahead of the wall clock (1,000 years), so that it and
the events scheduled after it stay far inside ``datetime``'s range (year 9999)."""
MAX_DURATION = _dt.timedelta(days=365)
"""The longest phase duration (``/durations``): longer than any real run."""
RATE_RANGE = (0.001, 1_000_000.0)
"""Throughput quotas (``*_tps``), in calls per second."""
S3_OBJECT_URI = re.compile(r"s3://[^/]+/.+")
ACCOUNT_ID = re.compile(r"[0-9]{12}")
_CLOCK_LOCK = threading.Lock()
"""Makes the horizon check and the advance of ``/clock/advance`` one step."""


class ControlTarget(Protocol):
    """What the control API acts on: the server's state and its reset."""

    @property
    def control(self) -> Control: ...

    def reset(self) -> None: ...


class ControlError(Exception):
    """A control request refused, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def handle_control(
    target: ControlTarget, method: str, path: str, query: str, body: bytes
) -> Answer:
    """Answer a control request; ``path`` is below ``CONTROL_PREFIX``. Never raises."""
    try:
        handler, path_args = _route(method, path)
        payload = handler(ControlRequest(target, path_args, _json_object(body), _query(query)))
        return 200, list(JSON_HEADERS), _dumps(payload)
    except ControlError as error:
        status, message = error.status, str(error)
    except KeyError as error:
        status, message = 404, str(error.args[0] if error.args else error)
    except (ValueError, TypeError, OverflowError, ValidationException) as error:
        status, message = 400, str(error)
    except Exception as error:  # a bug in the mock: say so rather than drop the connection
        status, message = 500, f"omics-mock internal error: {type(error).__name__}: {error}"
    return error_answer(status, message)


def error_answer(status: int, message: str) -> Answer:
    """``{"error": message}`` with ``status``."""
    return status, list(JSON_HEADERS), _dumps({"error": message})


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:
        raise ControlError(400, "the body is JSON nested too deeply") from None
    except ValueError as error:
        raise ControlError(400, f"the body is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise ControlError(400, "the body must be a JSON object")
    return value


def _refuse_constant(name: str) -> Any:
    """``Infinity``, ``-Infinity`` and ``NaN`` are not JSON numbers."""
    raise ValueError(f"{name} is not a JSON number")


def _query(query: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return iso8601(value)
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, default=_json_default).encode("utf-8")


@dataclass(frozen=True)
class ControlRequest:
    """One control call: the server, path labels, JSON body and query.

    The field readers below refuse (``ControlError``, 400) a value of the wrong
    type or outside its range; absent optional fields give their default.
    """

    server: ControlTarget
    path_args: dict[str, str]
    body: dict[str, Any]
    query: dict[str, str]

    @property
    def control(self) -> Control:
        return self.server.control

    def allow(self, *allowed: str) -> None:
        """Refuse body fields not in ``allowed``."""
        unknown = sorted(set(self.body) - set(allowed))
        if unknown:
            raise ControlError(400, f"unknown field(s) {unknown}; expected some of {list(allowed)}")

    def number(
        self, name: str, *, maximum: float, minimum: float = 0.0, default: float = 0.0
    ) -> float:
        """A finite number from ``minimum`` to ``maximum``."""
        value = self.body.get(name, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not minimum <= value <= maximum
        ):
            raise ControlError(
                400, f"{name} must be a number from {_show(minimum)} to {_show(maximum)}"
            )
        return float(value)

    def whole(self, name: str, *, minimum: int = 0, default: int = 0) -> int:
        """A whole number from ``minimum`` to ``MAX_WHOLE`` (``3`` or ``3.0``)."""
        value = self.body.get(name, default)
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not minimum <= value <= MAX_WHOLE
        ):
            raise ControlError(400, f"{name} must be a whole number from {minimum} to {MAX_WHOLE}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.body.get(name, default)
        if not isinstance(value, bool):
            raise ControlError(400, f"{name} must be true or false")
        return value

    def text(self, name: str, default: str | None = None) -> str:
        """A string field, required unless it has a ``default``."""
        value = self.body.get(name, default)
        if not isinstance(value, str):
            required = "" if name in self.body else "is required and "
            raise ControlError(400, f"{name} {required}must be a string")
        return value

    def optional_text(self, name: str) -> str | None:
        """A string field that may be absent or null."""
        value = self.body.get(name)
        if value is not None and not isinstance(value, str):
            raise ControlError(400, f"{name} must be a string")
        return value

    def scope(self) -> dict[str, str | None]:
        """``account_id`` and ``region`` of a run endpoint, from the body or the query."""
        scope: dict[str, str | None] = {}
        for name in ("account_id", "region"):
            found = self.optional_text(name)
            scope[name] = self.query.get(name) if found is None else found
        return scope

    @property
    def run_id(self) -> str:
        return self.path_args["run_id"]


def _show(bound: float) -> str:
    """A range bound as people write it: ``31536000``, ``0.001``."""
    return str(int(bound)) if bound.is_integer() else str(bound)


Handler = Callable[[ControlRequest], dict[str, Any]]
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def _control_route(method: str, template: str) -> Callable[[Handler], Handler]:
    """Register a control handler for ``method`` and a path template with ``{labels}``."""
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "/?")

    def register(handler: Handler) -> Handler:
        _ROUTES.append((method, pattern, handler))
        return handler

    return register


def _route(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    """The handler of ``method`` on ``path``; HEAD is answered as GET without a body."""
    wanted = "GET" if method == "HEAD" else method
    allowed = False
    for verb, pattern, handler in _ROUTES:
        match = pattern.fullmatch(path)
        if match is not None:
            if verb == wanted:
                return handler, match.groupdict()
            allowed = True
    if allowed:
        raise ControlError(405, f"{method} is not allowed on {CONTROL_PREFIX}{path}")
    raise ControlError(404, f"no control endpoint {CONTROL_PREFIX}{path}")


# -- endpoints ----------------------------------------------------------------------------


def _clock(request: ControlRequest) -> dict[str, Any]:
    clock = request.control.clock
    return {"now": clock.now(), "offset_seconds": clock.offset.total_seconds()}


@_control_route("GET", "/health")
def _health(request: ControlRequest) -> dict[str, Any]:
    return {"status": "ok"}


@_control_route("GET", "/state")
def _state(request: ControlRequest) -> dict[str, Any]:
    return request.control.describe()


@_control_route("POST", "/reset")
def _reset(request: ControlRequest) -> dict[str, Any]:
    request.allow()
    request.server.reset()
    return {"reset": True}


_control_route("GET", "/clock")(_clock)

_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


@_control_route("POST", "/clock/advance")
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


@_control_route("GET", "/runs/{run_id}")
def _run_status(request: ControlRequest) -> dict[str, Any]:
    run = request.control.runs.get(request.run_id, **request.scope())
    return {"id": run.id, "status": run.status, "account_id": run.account_id, "region": run.region}


@_control_route("POST", "/runs/{run_id}/complete")
def _complete(request: ControlRequest) -> dict[str, Any]:
    request.allow("immediately", "account_id", "region")
    immediately = request.flag("immediately", True)
    request.control.runs.complete(request.run_id, immediately=immediately, **request.scope())
    return _run_status(request)


@_control_route("POST", "/runs/{run_id}/fail")
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


@_control_route("POST", "/runs/{run_id}/keep-running")
def _keep_running(request: ControlRequest) -> dict[str, Any]:
    request.allow("account_id", "region")
    request.control.runs.keep_running(request.run_id, **request.scope())
    return _run_status(request)


@_control_route("POST", "/runs/{run_id}/release")
def _release(request: ControlRequest) -> dict[str, Any]:
    request.allow("account_id", "region")
    request.control.runs.release(request.run_id, **request.scope())
    return _run_status(request)


_PHASES = ("pending", "starting", "running", "stopping", "task")


@_control_route("POST", "/durations")
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


@_control_route("POST", "/workflows/{workflow_id}/outcomes")
def _script(request: ControlRequest) -> dict[str, Any]:
    request.allow("outcomes")
    outcomes = request.body.get("outcomes", [])
    if not isinstance(outcomes, list):
        raise ControlError(400, "outcomes must be a list")
    request.control.runs.script(request.path_args["workflow_id"], [_outcome(o) for o in outcomes])
    return {"scripted": len(outcomes)}


@_control_route("POST", "/default-outcome")
def _default_outcome(request: ControlRequest) -> dict[str, Any]:
    request.allow("outcome")
    request.control.runs.set_default_outcome(_outcome(request.body.get("outcome")))
    return {"default_outcome": request.body["outcome"]}


@_control_route("POST", "/progress")
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


_control_route("GET", "/faults")(_faults)


@_control_route("POST", "/faults")
def _inject(request: ControlRequest) -> dict[str, Any]:
    request.allow("operation", "error", "times", "message")
    request.control.faults.inject(
        request.text("operation"),
        request.text("error", "InternalServerException"),
        times=request.whole("times", minimum=1, default=1),
        message=request.optional_text("message"),
    )
    return _faults(request)


@_control_route("DELETE", "/faults")
def _clear_faults(request: ControlRequest) -> dict[str, Any]:
    request.allow()
    request.control.faults.clear()
    return _faults(request)


@_control_route("GET", "/requests")
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
        }
        for r in records
    ]
    return {"count": len(items), "requests": items}


@_control_route("POST", "/accounts")
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


@_control_route("PUT", "/quotas")
def _quotas(request: ControlRequest) -> dict[str, Any]:
    quotas = request.control.settings.quotas
    kinds = {field.name: type(getattr(quotas, field.name)) for field in fields(quotas)}
    request.allow(*kinds)
    values = {name: _quota(request, name, kinds[name]) for name in request.body}
    for name, value in values.items():
        setattr(quotas, name, value)
    return {"quotas": asdict(quotas)}


@_control_route("PUT", "/s3")
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
