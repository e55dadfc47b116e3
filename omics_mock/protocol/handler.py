"""One request pipeline: route, parse, validate, invoke, serialise.

``Protocol.handle`` serves any HTTP request (server mode, ``requests`` calls);
``Protocol.handle_operation`` serves botocore requests whose operation is
already known from the event name. Both end in the same steps.

Every answer is logged once: the invoker logs the requests it runs (and sets
``RequestContext.logged``); the optional ``report`` hook gets the others
(refused by validation, routed to no operation, failed in this layer). When an
invoked request's answer still fails here (serialisation), its log record is
corrected to the 500 actually answered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from typing import Protocol as Interface
from urllib.parse import urlsplit

from .errors import InternalServerException, ServiceError, UnknownOperationException
from .model import OperationSpec, ServiceSpec, service_spec
from .parsing import parse_request
from .routing import Router, base_path_tails
from .serialize import HttpResponse, serialize_error, serialize_output
from .validate import raise_if_failed

logger = logging.getLogger("omics_mock")

DEFAULT_REGION = "us-east-1"

_CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_HOST_REGION = re.compile(r"(?:^|[.-])omics(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com")


class Logged(Interface):
    """A request log record, as far as the protocol layer corrects it."""

    error_code: str | None
    status: int


@dataclass
class RequestContext:
    """Who is calling and where: taken from the request's signature and host."""

    region: str
    access_key: str | None
    logged: Logged | None = field(default=None, compare=False, repr=False)
    """The log record of this request, once someone logged it."""


Invoker = Callable[[OperationSpec, dict[str, Any], RequestContext], Any]
"""Runs an operation's behaviour: the backends behind the protocol."""

Reporter = Callable[[str, dict[str, Any], RequestContext, str, int], None]
"""Logs a request the invoker never saw: (operation or ``""``, params, context,
error code, HTTP status)."""


def request_context(host: str, headers: Mapping[str, Any]) -> RequestContext:
    """Region and access key from the SigV4 credential scope, else the host."""
    authorization = headers.get("Authorization") or headers.get("authorization")
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    if authorization:
        scope = _CREDENTIAL_SCOPE.search(authorization)
        if scope is not None:
            return RequestContext(scope.group(2), scope.group(1))
    found = _HOST_REGION.search(host)
    return RequestContext(found.group(1) if found else DEFAULT_REGION, None)


def _match_template(spec: OperationSpec, path: str) -> re.Match[str] | None:
    """The operation's own path template against the path, below any base path.

    Labels may be empty here: botocore renders ``id=""`` as ``/run/``, and the
    operation is known, so the empty value goes to validation (or the backend,
    where the model allows it) instead of routing to another operation.
    """
    for pattern in (spec.path_regex, spec.empty_label_regex):
        match = pattern.match(path)
        if match is None:
            for tail in base_path_tails(path):
                match = pattern.match(tail)
                if match is not None:
                    break
        if match is not None:
            return match
    return None


def _unknown_operation(method: str, path: str) -> ServiceError:
    return UnknownOperationException(f"No HealthOmics operation matches {method} {path}")


class Protocol:
    """The rest-json front of the service, driven entirely by the model."""

    def __init__(
        self, invoke: Invoker, spec: ServiceSpec | None = None, report: Reporter | None = None
    ) -> None:
        self.spec = spec or service_spec()
        self.router = Router(self.spec.operations)
        self._invoke = invoke
        self._report = report

    def handle(
        self, method: str, url: str, headers: Mapping[str, Any], body: bytes | None
    ) -> HttpResponse:
        """Answer any HTTP request addressed to the service; never raises."""
        host = ""
        try:
            verb = method.upper()
            if verb == "HEAD":  # HTTP semantics: GET's status and headers, no body
                return self.handle("GET", url, headers, body)._replace(body=b"")
            try:
                parts = urlsplit(url)
            except ValueError:
                return self._unroutable(verb, url, host, headers)
            host, path = parts.hostname or "", parts.path or "/"
            routed = self.router.route(verb, path)
            if routed is None:
                return self._unroutable(verb, path, host, headers)
            spec, match = routed
            return self._run(spec, match, parts.query, host, headers, body)
        except Exception as exc:  # a malformed URL or a bug before the operation is known
            self._log_unseen("", {}, _context(host, headers), InternalServerException.code, 500)
            return self._internal_error("request", exc)

    def handle_operation(
        self,
        operation: str,
        url: str,
        headers: Mapping[str, Any],
        body: bytes | None,
    ) -> HttpResponse:
        """Answer a request whose operation is known (botocore's event name); never raises."""
        host = ""
        try:
            spec = self.spec.operations[operation]
            parts = urlsplit(url)
            host = parts.hostname or ""
            match = _match_template(spec, parts.path or "/")
            if match is None:  # not this operation's path after all: route it
                return self.handle(spec.method, url, headers, body)
            return self._run(spec, match, parts.query, host, headers, body)
        except Exception as exc:
            code = InternalServerException.code
            self._log_unseen(operation, {}, _context(host, headers), code, 500)
            return self._internal_error(operation, exc)

    def _run(
        self,
        spec: OperationSpec,
        match: re.Match[str],
        query: str,
        host: str,
        headers: Mapping[str, Any],
        body: bytes | None,
    ) -> HttpResponse:
        context = request_context(host, headers)
        params: dict[str, Any] = {}
        invoked = False
        try:
            params = parse_request(spec, match, query, headers, body)
            errors: list[str] = []
            spec.validator(self.spec.validators)(params, "", errors)
            raise_if_failed(errors)
            invoked = True
            result = self._invoke(spec, params, context)
            return serialize_output(spec, result)
        except ServiceError as error:
            status = self._status(spec, error)
            self._log_error(invoked, spec.name, params, context, error.code, status)
            return serialize_error(error, status)
        except Exception as exc:  # a bug in the mock: answer like the service would
            code = InternalServerException.code
            self._log_error(invoked, spec.name, params, context, code, 500)
            return self._internal_error(spec.name, exc)

    def _unroutable(
        self, method: str, path: str, host: str, headers: Mapping[str, Any]
    ) -> HttpResponse:
        """404 ``UnknownOperationException``: no operation has this method and path."""
        error = _unknown_operation(method, path)
        params = {"method": method, "path": path}
        self._log_unseen("", params, _context(host, headers), error.code, 404)
        return serialize_error(error, 404)

    def _log_error(
        self,
        invoked: bool,
        operation: str,
        params: dict[str, Any],
        context: RequestContext,
        code: str,
        status: int,
    ) -> None:
        """Log an error answer: correct the invoker's record, or report one it never saw."""
        if not invoked:
            self._log_unseen(operation, params, context, code, status)
        elif context.logged is not None:
            context.logged.error_code, context.logged.status = code, status

    def _log_unseen(
        self,
        operation: str,
        params: dict[str, Any],
        context: RequestContext,
        code: str,
        status: int,
    ) -> None:
        if self._report is None:
            return
        try:
            self._report(operation, params, context, code, status)
        except Exception:  # logging must never change the answer
            logger.exception("omics-mock failed to log a request to %s", operation or "?")

    def _internal_error(self, where: str, exc: Exception) -> HttpResponse:
        """``InternalServerException`` (500) for an exception that is the mock's fault."""
        logger.exception("omics-mock failed while handling %s", where)
        try:
            detail = f"{type(exc).__name__}: {exc}"
        except Exception:  # an exception whose str() fails
            detail = type(exc).__name__
        error = InternalServerException(f"omics-mock internal error in {where}: {detail}")
        return serialize_error(error, 500)

    def _status(self, spec: OperationSpec, error: ServiceError) -> int:
        return self.spec.status_of(spec, error.code)


def _context(host: str, headers: Mapping[str, Any]) -> RequestContext:
    """The request's context, or the default Region's when even that cannot be read."""
    try:
        return request_context(host, headers)
    except Exception:
        return RequestContext(DEFAULT_REGION, None)
