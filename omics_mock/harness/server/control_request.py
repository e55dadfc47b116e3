"""One request to the HTTP control API, the readers of its fields, and its routes.

Every field of a request is checked (type, finite number, range the state can
hold) before the Python control API is called, so a refusal changes nothing.
Endpoints register with ``control_route`` (``control_routes``); ``handle_control``
(``control_http``) answers a request. Errors answer ``{"error": message}``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs

from ...service.kernel.clock import HORIZON
from ...wire.serialize import iso8601
from ..control import Control

CONTROL_PREFIX = "/_omics_mock"
JSON_HEADERS = (("Content-Type", "application/json"),)

Answer = tuple[int, list[tuple[str, str]], bytes]

MAX_WHOLE = 2**53 - 1
"""The largest count a field takes: the largest integer every JSON reader holds exactly."""
MAX_CLOCK_OFFSET = HORIZON
"""How far virtual time may run ahead of the wall clock (1,000 years), so that it and
the events scheduled after it stay far inside ``datetime``'s range (year 9999)."""
MAX_DURATION = _dt.timedelta(days=365)
"""The longest phase duration (``/durations``): longer than any real run."""
RATE_RANGE = (0.001, 1_000_000.0)
"""Throughput quotas (``*_tps``), in calls per second."""


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


def error_answer(status: int, message: str) -> Answer:
    """``{"error": message}`` with ``status``."""
    return status, list(JSON_HEADERS), dumps({"error": message})


def json_object(body: bytes) -> dict[str, Any]:
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


def query_values(query: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return iso8601(value)
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(payload: Any) -> bytes:
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
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def control_route(method: str, template: str) -> Callable[[Handler], Handler]:
    """Register a control handler for ``method`` and a path template with ``{labels}``."""
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "/?")

    def register(handler: Handler) -> Handler:
        ROUTES.append((method, pattern, handler))
        return handler

    return register


def find_route(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    """The handler of ``method`` on ``path``; HEAD is answered as GET without a body."""
    wanted = "GET" if method == "HEAD" else method
    allowed = False
    for verb, pattern, handler in ROUTES:
        match = pattern.fullmatch(path)
        if match is not None:
            if verb == wanted:
                return handler, match.groupdict()
            allowed = True
    if allowed:
        raise ControlError(405, f"{method} is not allowed on {CONTROL_PREFIX}{path}")
    raise ControlError(404, f"no control endpoint {CONTROL_PREFIX}{path}")
