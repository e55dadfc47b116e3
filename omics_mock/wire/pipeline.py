"""One request pipeline: route, parse, validate, invoke, serialise.

``Pipeline.handle`` serves any HTTP request (server mode, ``requests`` calls);
``Pipeline.handle_operation`` serves botocore requests whose operation is
already known from the event name. Both end in the same steps.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import SplitResult, urlsplit

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


class RequestContext(NamedTuple):
    """Who is calling and where: taken from the request's signature and host."""

    region: str
    access_key: str | None


Invoker = Callable[[OperationSpec, dict[str, Any], RequestContext], Any]
"""Runs an operation's behaviour: the service behind the pipeline."""

Observer = Callable[[str, RequestContext, dict[str, Any], "str | None", int], None]
"""Told of every answer: (operation, caller, params, error code or None, HTTP status)."""

UNKNOWN_OPERATION = ""
"""The operation an observer is told of for a request that matches none (its params
then hold ``method`` and ``path``)."""


def request_context(host: str | SplitResult, headers: Mapping[str, Any]) -> RequestContext:
    """Region and access key from the SigV4 credential scope, else the host (a URL's
    host is looked up only then)."""
    authorization = headers.get("Authorization") or headers.get("authorization")
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    if authorization:
        scope = _CREDENTIAL_SCOPE.search(authorization)
        if scope is not None:
            return RequestContext(scope.group(2), scope.group(1))
    if not isinstance(host, str):
        host = host.hostname or ""
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


@functools.cache
def router_for(spec: ServiceSpec) -> Router:
    """The routing table of a service spec, built once (every mock's pipeline shares it)."""
    return Router(spec.operations)


def answer_code(answer: HttpResponse) -> str:
    """The error code an error answer carries."""
    return str(answer.headers.get("x-amzn-errortype", InternalServerException.code))


def _unknown_operation(method: str, path: str) -> ServiceError:
    return UnknownOperationException(f"No HealthOmics operation matches {method} {path}")


class Pipeline:
    """The rest-json front of the service, driven entirely by the model."""

    def __init__(
        self, invoke: Invoker, observe: Observer | None = None, spec: ServiceSpec | None = None
    ) -> None:
        self._spec = spec
        self._invoke = invoke
        self._observe = observe

    @property
    def spec(self) -> ServiceSpec:
        """The service spec, found at the first request (a mock that answers nothing
        never loads the model, and a client's request can lend its loaded model)."""
        spec = self._spec
        if spec is None:
            spec = self._spec = service_spec()
        return spec

    @property
    def router(self) -> Router:
        return router_for(self.spec)

    def handle(
        self, method: str, url: str, headers: Mapping[str, Any], body: bytes | None
    ) -> HttpResponse:
        """Answer any HTTP request addressed to the service; never raises."""
        try:
            verb = method.upper()
            if verb == "HEAD":  # HTTP semantics: GET's status and headers, no body
                return self.handle("GET", url, headers, body)._replace(body=b"")
            try:
                parts = urlsplit(url)
            except ValueError:
                return self._unroutable(verb, url, "", headers)
            path = parts.path or "/"
            routed = self.router.route(verb, path)
            if routed is None:
                return self._unroutable(verb, path, parts.hostname or "", headers)
            spec, match = routed
            return self._run(spec, match, parts, headers, body)
        except Exception as exc:  # a malformed URL or a bug before the operation is known
            return self._failed_early(UNKNOWN_OPERATION, "request", headers, exc)

    def handle_operation(
        self,
        operation: str,
        url: str,
        headers: Mapping[str, Any],
        body: bytes | None,
    ) -> HttpResponse:
        """Answer a request whose operation is known (botocore's event name); never raises."""
        try:
            spec = self.spec.operations[operation]
            parts = urlsplit(url)
            match = _match_template(spec, parts.path or "/")
            if match is None:  # not this operation's path after all: route it
                return self.handle(spec.method, url, headers, body)
            return self._run(spec, match, parts, headers, body)
        except Exception as exc:
            return self._failed_early(operation, operation, headers, exc)

    def _run(
        self,
        spec: OperationSpec,
        match: re.Match[str],
        url: SplitResult,
        headers: Mapping[str, Any],
        body: bytes | None,
    ) -> HttpResponse:
        params: dict[str, Any] = {}
        code: str | None = None
        context = request_context(url, headers)
        try:
            params = parse_request(spec, match, url.query, headers, body)
            errors: list[str] = []
            spec.validator(self.spec.validators)(params, "", errors)
            raise_if_failed(errors)
            result = self._invoke(spec, params, context)
            answer = serialize_output(spec, result)
        except ServiceError as error:
            code = error.code
            answer = serialize_error(error, self._status(spec, error))
        except Exception as exc:  # a bug in the mock: answer like the service would
            code = InternalServerException.code
            answer = self._internal_error(spec.name, exc)
        if self._observe is not None:
            self._tell(spec.name, context, params, code, answer.status)
        return answer

    def _failed_early(
        self, operation: str, where: str, headers: Mapping[str, Any], exc: Exception
    ) -> HttpResponse:
        """A 500 for a bug before the request reached ``_run``; observed like any answer."""
        answer = self._internal_error(where, exc)
        if self._observe is not None:
            self._tell(operation, request_context("", headers), {}, answer_code(answer), 500)
        return answer

    def _unroutable(
        self, method: str, path: str, host: str, headers: Mapping[str, Any]
    ) -> HttpResponse:
        error = _unknown_operation(method, path)
        if self._observe is not None:
            params = {"method": method, "path": path}
            self._tell(UNKNOWN_OPERATION, request_context(host, headers), params, error.code, 404)
        return serialize_error(error, 404)

    def _tell(
        self,
        operation: str,
        context: RequestContext,
        params: dict[str, Any],
        code: str | None,
        status: int,
    ) -> None:
        """Tell the observer of an answer; an observer's failure never changes the answer."""
        assert self._observe is not None
        try:
            self._observe(operation, context, params, code, status)
        except Exception:
            logger.exception("omics-mock failed to record a request to %s", operation)

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
        status = spec.errors.get(error.code)
        if status is None:
            status = self.spec.error_status.get(error.code, 400)
        return status
