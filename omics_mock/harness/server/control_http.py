"""The HTTP control API of server mode, under ``/_omics_mock``, as JSON.

Each endpoint is a thin call into the Python control API (``omics_mock.control``)
of the server's state, so non-Python clients can drive tests. Errors answer
``{"error": message}``: 400 for bad input, 404 for unknown runs and paths,
405 for a known path with the wrong method. See ``docs/server.md``.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol
from urllib.parse import parse_qs

from ...wire.serialize import iso8601
from ..control import Control

CONTROL_PREFIX = "/_omics_mock"
JSON_HEADERS = (("Content-Type", "application/json"),)

Answer = tuple[int, list[tuple[str, str]], bytes]


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
    """Answer a control request; ``path`` is below ``CONTROL_PREFIX``."""
    try:
        handler, path_args = _route(method, path)
        payload = handler(ControlRequest(target, path_args, _json_object(body), _query(query)))
        return 200, list(JSON_HEADERS), _dumps(payload)
    except ControlError as error:
        status, message = error.status, str(error)
    except KeyError as error:
        status, message = 404, str(error.args[0] if error.args else error)
    except (ValueError, TypeError) as error:
        status, message = 400, str(error)
    except Exception as error:  # a bug in the mock: say so rather than drop the connection
        status, message = 500, f"omics-mock internal error: {type(error).__name__}: {error}"
    return status, list(JSON_HEADERS), _dumps({"error": message})


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except ValueError as error:
        raise ControlError(400, f"the body is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise ControlError(400, "the body must be a JSON object")
    return value


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
    """One control call: the server, path labels, JSON body and query."""

    server: ControlTarget
    path_args: dict[str, str]
    body: dict[str, Any]
    query: dict[str, str]

    @property
    def control(self) -> Control:
        return self.server.control

    def options(self, *allowed: str) -> dict[str, Any]:
        """The body as keyword arguments, refusing keys not in ``allowed``."""
        unknown = sorted(set(self.body) - set(allowed))
        if unknown:
            raise ControlError(400, f"unknown field(s) {unknown}; expected some of {list(allowed)}")
        return dict(self.body)

    def number(self, name: str) -> float:
        value = self.body.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ControlError(400, f"{name} must be a number")
        return float(value)

    def text(self, name: str) -> str:
        """A required string field of the body."""
        value = self.body.get(name)
        if not isinstance(value, str):
            raise ControlError(400, f"{name} is required and must be a string")
        return value


Handler = Callable[[ControlRequest], dict[str, Any]]
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def _control_route(method: str, template: str) -> Callable[[Handler], Handler]:
    """Register a control handler for ``method`` and a path template with ``{labels}``."""
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "/?$")

    def register(handler: Handler) -> Handler:
        _ROUTES.append((method, pattern, handler))
        return handler

    return register


def _route(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    allowed = False
    for verb, pattern, handler in _ROUTES:
        match = pattern.match(path)
        if match is not None:
            if verb == method:
                return handler, match.groupdict()
            allowed = True
    if allowed:
        raise ControlError(405, f"{method} is not allowed on {CONTROL_PREFIX}{path}")
    raise ControlError(404, f"no control endpoint {CONTROL_PREFIX}{path}")


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
    request.server.reset()
    return {"reset": True}


_control_route("GET", "/clock")(_clock)


@_control_route("POST", "/clock/advance")
def _advance(request: ControlRequest) -> dict[str, Any]:
    units = request.options("seconds", "minutes", "hours", "days")
    request.control.clock.advance(**{unit: request.number(unit) for unit in units})
    return _clock(request)


@_control_route("GET", "/runs/{run_id}")
def _run_status(request: ControlRequest) -> dict[str, Any]:
    scope = {**request.query, **request.body}
    run = request.control.runs.get(
        request.path_args["run_id"], scope.get("account_id"), scope.get("region")
    )
    return {"id": run.id, "status": run.status, "account_id": run.account_id, "region": run.region}


@_control_route("POST", "/runs/{run_id}/complete")
def _complete(request: ControlRequest) -> dict[str, Any]:
    options = request.options("immediately", "account_id", "region")
    request.control.runs.complete(request.path_args["run_id"], **options)
    return _run_status(request)


@_control_route("POST", "/runs/{run_id}/fail")
def _fail(request: ControlRequest) -> dict[str, Any]:
    options = request.options("reason", "message", "immediately", "account_id", "region")
    request.control.runs.fail(request.path_args["run_id"], **options)
    return _run_status(request)


@_control_route("POST", "/runs/{run_id}/keep-running")
def _keep_running(request: ControlRequest) -> dict[str, Any]:
    options = request.options("account_id", "region")
    request.control.runs.keep_running(request.path_args["run_id"], **options)
    return _run_status(request)


@_control_route("POST", "/runs/{run_id}/release")
def _release(request: ControlRequest) -> dict[str, Any]:
    options = request.options("account_id", "region")
    request.control.runs.release(request.path_args["run_id"], **options)
    return _run_status(request)


@_control_route("POST", "/durations")
def _durations(request: ControlRequest) -> dict[str, Any]:
    phases = ("pending", "starting", "running", "stopping", "task")
    options = request.options("workflow_id", "run_id", *phases)
    for phase in phases:
        if phase in options:
            options[phase] = request.number(phase)
    request.control.runs.set_durations(**options)
    return {"durations": asdict(request.control.settings.durations.run)}


def _outcome(value: Any) -> str | tuple[str, str]:
    if isinstance(value, list) and len(value) == 2:
        return str(value[0]), str(value[1])
    if isinstance(value, str):
        return value
    raise ControlError(400, 'an outcome is "COMPLETED", "FAILED" or ["FAILED", reason]')


@_control_route("POST", "/workflows/{workflow_id}/outcomes")
def _script(request: ControlRequest) -> dict[str, Any]:
    outcomes = request.options("outcomes").get("outcomes", [])
    if not isinstance(outcomes, list):
        raise ControlError(400, "outcomes must be a list")
    request.control.runs.script(request.path_args["workflow_id"], [_outcome(o) for o in outcomes])
    return {"scripted": len(outcomes)}


@_control_route("POST", "/default-outcome")
def _default_outcome(request: ControlRequest) -> dict[str, Any]:
    request.control.runs.set_default_outcome(_outcome(request.options("outcome").get("outcome")))
    return {"default_outcome": request.body["outcome"]}


@_control_route("POST", "/progress")
def _progress(request: ControlRequest) -> dict[str, Any]:
    request.options("mode")
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
    options = request.options("operation", "error", "times", "message")
    operation = request.text("operation")
    del options["operation"]
    request.control.faults.inject(operation, **options)
    return _faults(request)


@_control_route("DELETE", "/faults")
def _clear_faults(request: ControlRequest) -> dict[str, Any]:
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
    request.options("access_key_id", "account_id")
    request.control.accounts.map(request.text("access_key_id"), request.text("account_id"))
    return {"mapped": request.body}


@_control_route("PUT", "/quotas")
def _quotas(request: ControlRequest) -> dict[str, Any]:
    quotas = request.control.settings.quotas
    kinds = {field.name: type(getattr(quotas, field.name)) for field in fields(quotas)}
    request.options(*kinds)
    values = {name: kinds[name](request.number(name)) for name in request.body}
    for name, value in values.items():
        setattr(quotas, name, value)
    return {"quotas": asdict(quotas)}


@_control_route("PUT", "/s3")
def _put_object(request: ControlRequest) -> dict[str, Any]:
    request.options("uri", "data", "data_base64")
    if "data_base64" in request.body:
        data: bytes | str = base64.b64decode(request.text("data_base64"), validate=True)
    else:
        data = request.text("data")
    return {"etag": request.control.s3.put_object(request.text("uri"), data)}
