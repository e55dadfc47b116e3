"""Process-wide plumbing that routes omics requests to the active mock.

Three catchers, all answering from the same ``Protocol``:

* a handler on botocore's ``before-send.omics`` event, added to
  ``BUILTIN_HANDLERS`` at import (every session created later has it) and, on
  first activation, to every session and omics client that already exists.
  Being service-specific, it runs before moto's generic ``before-send``;
* a guard on ``botocore.endpoint.Endpoint._send`` while active, so an omics
  request that reached no handler still never goes to the network;
* a ``responses`` mock for plain ``requests`` calls to omics hosts, which
  passes every other request on to whatever was handling it before.

While active, botocore's waiter and retry sleeps advance virtual time.
"""

from __future__ import annotations

import gc
import io
import re
import threading
import time as _time
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import botocore.client
import botocore.endpoint
import botocore.session
import botocore.waiter
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.credentials import Credentials
from botocore.handlers import BUILTIN_HANDLERS

from .backend.artifacts import ARTIFACT_HOST
from .protocol.handler import Protocol, RequestContext
from .protocol.model import OperationSpec

if TYPE_CHECKING:
    from .backend.environment import Environment

SEND_EVENT = "before-send.omics"
SIGN_EVENT = "before-sign.omics"
_HANDLER_ID = "omics-mock-before-send"
_SIGNER_ID = "omics-mock-before-sign"

OMICS_URL = re.compile(
    r"https?://(?:[a-z0-9-]+-)?omics(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?:[/?].*)?$"
)
ARTIFACT_URL = re.compile(rf"https://{re.escape(ARTIFACT_HOST)}/.*")
_SIGNATURE_SERVICE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/omics/aws4_request")

FAKE_CREDENTIALS = Credentials("AKIAOMICSMOCK0000000", "omics-mock-secret-access-key")


class _Body(io.BytesIO):
    """A raw response body botocore can stream or read."""

    def stream(self, **_: Any) -> Any:
        data = self.read()
        if data:
            yield data


class _VirtualTime(types.ModuleType):
    """Stands in for ``time`` inside botocore's waiter and endpoint modules."""

    def __init__(self, sleep: Callable[[float], None]) -> None:
        super().__init__("time")
        self.sleep = sleep

    def __getattr__(self, name: str) -> Any:
        return getattr(_time, name)


class Interceptor:
    """Owns the hooks; answers with the innermost active environment."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._stack: list[Environment] = []
        self._protocol: Protocol | None = None
        self._scanned = False
        self._original_send: Callable[..., Any] | None = None
        self._original_waiter_time: Any = None
        self._original_endpoint_time: Any = None
        self._patched_signers: list[Any] = []
        self.safety_net_hits = 0

    # -- state -------------------------------------------------------------------

    @property
    def environment(self) -> Environment | None:
        stack = self._stack
        return stack[-1] if stack else None

    @property
    def protocol(self) -> Protocol:
        if self._protocol is None:
            self._protocol = Protocol(self._invoke)
        return self._protocol

    def _invoke(self, spec: OperationSpec, params: dict[str, Any], context: RequestContext) -> Any:
        environment = self.environment
        if environment is None:
            raise RuntimeError("omics-mock received a request while no mock is active")
        return environment.invoke(spec, params, context)

    def activate(self, environment: Environment) -> None:
        with self._lock:
            if not self._scanned:
                self._register_on_existing_objects()
                self._scanned = True
            self.protocol  # build routing and model before the first request
            if not self._stack:
                self._patch_botocore(environment)
            self._stack.append(environment)

    def deactivate(self, environment: Environment) -> None:
        with self._lock:
            if environment in self._stack:
                self._stack.remove(environment)
            if not self._stack:
                self._unpatch_botocore()

    # -- botocore hooks --------------------------------------------------------------

    def on_before_send(self, request: AWSPreparedRequest, event_name: str = "", **_: Any) -> Any:
        if not self._stack:
            return None
        operation = event_name.rpartition(".")[2]
        body = _body_bytes(request.body)
        protocol = self.protocol
        if operation in protocol.spec.operations:
            answer = protocol.handle_operation(operation, request.url, request.headers, body)
        else:
            answer = protocol.handle(request.method, request.url, request.headers, body)
        return AWSResponse(request.url, answer.status, answer.headers, _Body(answer.body))

    def on_before_sign(self, request_signer: Any = None, **_: Any) -> None:
        """Give a credential-less client fake credentials while a mock is active."""
        if not self._stack or request_signer is None:
            return
        if getattr(request_signer, "_credentials", "missing") is None:
            request_signer._credentials = FAKE_CREDENTIALS
            self._patched_signers.append(request_signer)

    def _guarded_send(self, endpoint: Any, request: AWSPreparedRequest) -> Any:
        original = self._original_send
        assert original is not None
        if self._stack and _is_omics_request(request):
            self.safety_net_hits += 1
            protocol = self.protocol
            answer = protocol.handle(request.method, request.url, request.headers, _body_bytes(request.body))
            return AWSResponse(request.url, answer.status, answer.headers, _Body(answer.body))
        return original(endpoint, request)

    def _register_on_existing_objects(self) -> None:
        """Reach sessions and omics clients created before ``import omics_mock``."""
        for obj in gc.get_objects():
            if isinstance(obj, botocore.session.Session):
                register_on_session(obj)
            elif isinstance(obj, botocore.client.BaseClient):
                if obj.meta.service_model.service_name == "omics":
                    register_on_emitter(obj.meta.events)

    def _patch_botocore(self, environment: Environment) -> None:
        self._original_send = botocore.endpoint.Endpoint._send
        interceptor = self

        def _send(endpoint: Any, request: AWSPreparedRequest) -> Any:
            return interceptor._guarded_send(endpoint, request)

        botocore.endpoint.Endpoint._send = _send  # type: ignore[method-assign]
        virtual = _VirtualTime(self._virtual_sleep)
        self._original_waiter_time = botocore.waiter.time
        self._original_endpoint_time = botocore.endpoint.time
        botocore.waiter.time = virtual  # type: ignore[attr-defined]
        botocore.endpoint.time = virtual  # type: ignore[attr-defined]

    def _unpatch_botocore(self) -> None:
        if self._original_send is not None:
            botocore.endpoint.Endpoint._send = self._original_send  # type: ignore[method-assign]
            self._original_send = None
        if self._original_waiter_time is not None:
            botocore.waiter.time = self._original_waiter_time  # type: ignore[attr-defined]
            botocore.endpoint.time = self._original_endpoint_time  # type: ignore[attr-defined]
            self._original_waiter_time = None
        for signer in self._patched_signers:
            if signer._credentials is FAKE_CREDENTIALS:
                signer._credentials = None
        self._patched_signers.clear()

    def _virtual_sleep(self, seconds: float) -> None:
        environment = self.environment
        if environment is None:
            _time.sleep(seconds)
        else:
            environment.clock.sleep(seconds)

    # -- plain HTTP (requests / server) ------------------------------------------------

    def answer_http(self, method: str, url: str, headers: Any, body: bytes | None) -> tuple[int, dict[str, str], bytes]:
        environment = self.environment
        if environment is not None and ARTIFACT_URL.match(url):
            data = environment.artifacts.fetch(url)
            if data is None:
                return 404, {"content-type": "text/plain"}, b"Not found"
            return 200, {"content-type": "application/octet-stream"}, data
        answer = self.protocol.handle(method, url, headers, body)
        return answer.status, answer.headers, answer.body


def _body_bytes(body: Any) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    return bytes(body)


def _is_omics_request(request: AWSPreparedRequest) -> bool:
    if OMICS_URL.match(request.url):
        return True
    authorization = request.headers.get("Authorization")
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    return bool(authorization and _SIGNATURE_SERVICE.search(authorization))


INTERCEPTOR = Interceptor()


def _send_handler(request: AWSPreparedRequest, event_name: str = "", **kwargs: Any) -> Any:
    return INTERCEPTOR.on_before_send(request, event_name=event_name, **kwargs)


def _sign_handler(**kwargs: Any) -> None:
    INTERCEPTOR.on_before_sign(**kwargs)


def register_on_emitter(emitter: Any) -> None:
    """Add the omics handlers to an event emitter exactly once.

    ``emit`` calls every registered handler, so a second registration would
    run each request twice; whatever was there (from ``BUILTIN_HANDLERS`` or an
    earlier call) is removed first.
    """
    for event, handler, unique_id in (
        (SEND_EVENT, _send_handler, _HANDLER_ID),
        (SIGN_EVENT, _sign_handler, _SIGNER_ID),
    ):
        emitter.unregister(event, unique_id=unique_id)
        emitter.unregister(event, handler)
        emitter.register(event, handler, unique_id=unique_id)


def register_on_session(session: botocore.session.Session) -> None:
    """Add the omics handlers to a botocore session exactly once."""
    register_on_emitter(session.get_component("event_emitter"))


def install() -> None:
    """Add the handlers to ``BUILTIN_HANDLERS`` so every new session has them."""
    if (SEND_EVENT, _send_handler) not in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.append((SEND_EVENT, _send_handler))
        BUILTIN_HANDLERS.append((SIGN_EVENT, _sign_handler))


install()
