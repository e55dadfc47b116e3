"""Process-wide plumbing that routes omics requests to the active mock.

Catchers, all answering from the same ``Protocol``:

* a handler on botocore's ``before-send.omics`` event, added to
  ``BUILTIN_HANDLERS`` at import (every session created later has it) and, on
  first activation, to every session and omics client that already exists.
  Being service-specific, it runs before moto's generic ``before-send``;
* a guard on ``botocore.endpoint.Endpoint._send``, so an omics request that
  reached no handler still never goes to the network;
* a hook on ``requests.Session.get_adapter`` that hands plain ``requests``
  calls to omics hosts to an in-process adapter. It sits above whatever
  patches ``HTTPAdapter.send`` (``responses``, moto), so the order in which
  those mocks start does not matter.

While active, botocore's waiter and retry sleeps advance virtual time, and
adaptive retry mode's client-side rate limiter does not hold omics requests.

A client created while a mock is active stays offline: used while no mock is
active, it raises ``MockStoppedError`` before anything is signed or sent. Such
clients are built with ``MadeInMock`` among their bases (a
``creating-client-class.omics`` handler adds it), which remembers the client's
request signer and endpoint weakly. Clients created outside any mock go their
normal way, even after a mock answered them.

The patches are installed once, at the first activation, and stay: each one
does nothing unless a mock is active. Installing once means no save/restore
order to get wrong when other libraries patch the same places.
"""

from __future__ import annotations

import io
import re
import threading
import time as _time
import types
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import botocore.client
import botocore.endpoint
import botocore.retries.bucket
import botocore.session
import botocore.waiter
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.credentials import Credentials, RefreshableCredentials
from botocore.handlers import BUILTIN_HANDLERS

from .backend.artifacts import ARTIFACT_HOST
from .process_hooks import install_process_hooks, quiet_moto_for_omics
from .protocol.handler import Protocol, RequestContext
from .protocol.model import OperationSpec

if TYPE_CHECKING:
    from .backend.environment import Environment

SEND_EVENT = "before-send.omics"
SIGN_EVENT = "before-sign.omics"
CLASS_EVENT = "creating-client-class.omics"
_HANDLER_ID = "omics-mock-before-send"
_SIGNER_ID = "omics-mock-before-sign"
_CLASS_ID = "omics-mock-creating-client-class"

OMICS_URL = re.compile(
    r"https?://(?:[a-z0-9-]+-)?omics(?:-fips)?\.[a-z0-9-]+\."
    r"(?:amazonaws\.com(?:\.cn)?|api\.aws)(?::\d+)?(?:[/?].*)?$"
)
ARTIFACT_URL = re.compile(rf"https://{re.escape(ARTIFACT_HOST)}/.*")
_SIGNATURE_SERVICE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/omics/aws4_request")

FAKE_ACCESS_KEY = "AKIAOMICSMOCK0000000"
FAKE_SECRET_KEY = "omics-mock-secret-access-key"
FAKE_CREDENTIALS = Credentials(FAKE_ACCESS_KEY, FAKE_SECRET_KEY)


class MockStoppedError(RuntimeError):
    """An omics client created inside a mock was used after the last mock stopped.

    Such a client never goes to AWS: its requests fail here, before anything is
    signed or sent, until a mock is active again. Make a new client outside the
    mock to reach AWS.
    """

    def __init__(self) -> None:
        super().__init__(
            "this omics client was created inside an omics-mock mock, which has stopped: it "
            "does not go to AWS. Use it while a mock is active, or make a new client "
            "outside the mock to reach AWS."
        )


class MadeInMock:
    """A base of omics client classes created while a mock is active: the client
    stays offline once no mock is active (see ``Interceptor.keep_offline``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        INTERCEPTOR.keep_offline(self)


class _Body(io.BytesIO):
    """A raw response body botocore can stream or read."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        data = self.read()
        if data:
            yield data


class VirtualTimeModule(types.ModuleType):
    """Stands in for ``time`` inside botocore's waiter and endpoint modules."""

    def __init__(self, sleep: Callable[[float], None]) -> None:
        super().__init__("time")
        self.sleep = sleep

    def __getattr__(self, name: str) -> Any:
        return getattr(_time, name)


class Interceptor:
    """Owns the hooks; answers with the active environment."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.environment: Environment | None = None
        self._protocol: Protocol | None = None
        self._installed = False
        self._signers: list[tuple[Any, Any]] = []
        self._just_answered = threading.local()
        self._offline: weakref.WeakSet[Any] = weakref.WeakSet()
        """Request signers and endpoints of clients created while a mock was active."""
        self.safety_net_hits = 0

    # -- state -------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.environment is not None

    @property
    def protocol(self) -> Protocol:
        if self._protocol is None:
            self._protocol = Protocol(self._invoke, report=self._record)
        return self._protocol

    def _invoke(self, spec: OperationSpec, params: dict[str, Any], context: RequestContext) -> Any:
        environment = self.environment
        if environment is None:
            raise RuntimeError("omics-mock received a request while no mock is active")
        return environment.invoke(spec, params, context)

    def _record(
        self,
        operation: str,
        params: dict[str, Any],
        context: RequestContext,
        error_code: str | None,
        status: int,
    ) -> None:
        """Log a request answered before reaching ``_invoke`` (refused, unroutable)."""
        environment = self.environment
        if environment is not None:
            environment.record(operation, params, context, error_code, status)

    def activate(self, environment: Environment) -> None:
        """Answer omics requests from ``environment`` until ``deactivate``."""
        with self._lock:
            if not self._installed:
                install_process_hooks(self)
                self._installed = True
            quiet_moto_for_omics(self)
            _ = self.protocol  # build routing and model before the first request
            self.environment = environment

    def deactivate(self) -> None:
        """Stop answering; give clients back the credentials they had."""
        with self._lock:
            self.environment = None
            for signer, credentials in self._signers:
                signer._credentials = credentials
            self._signers.clear()

    # -- botocore hooks --------------------------------------------------------------

    def on_before_send(self, request: AWSPreparedRequest, event_name: str = "", **_: Any) -> Any:
        """Answer a botocore omics request; the operation comes from the event name."""
        if self.environment is None:
            return None
        self._just_answered.flag = True
        protocol = self.protocol
        body = body_bytes(request.body)
        operation = event_name.rpartition(".")[2]
        if operation in protocol.spec.operations:
            answer = protocol.handle_operation(operation, request.url, request.headers, body)
        else:
            answer = protocol.handle(request.method, request.url, request.headers, body)
        return AWSResponse(request.url, answer.status, answer.headers, _Body(answer.body))

    def on_before_sign(self, request_signer: Any = None, **_: Any) -> None:
        """Sign with credentials that need nothing from outside the process.

        A client without credentials gets fake ones; a client whose
        credentials refresh themselves (SSO, assume-role, credential_process)
        gets static ones with the same access key, so no refresh runs.
        """
        if request_signer is None:
            return
        if self.environment is None:
            if request_signer in self._offline:
                raise MockStoppedError()
            return
        current = getattr(request_signer, "_credentials", FAKE_CREDENTIALS)
        replacement = _offline_credentials(current)
        if replacement is not None:
            with self._lock:
                if request_signer._credentials is current:
                    self._signers.append((request_signer, current))
                    request_signer._credentials = replacement

    def guarded_send(
        self, original: Callable[..., Any], endpoint: Any, request: AWSPreparedRequest
    ) -> Any:
        """``Endpoint._send``: answers an omics request no handler answered."""
        if self.environment is None:
            if endpoint in self._offline:
                raise MockStoppedError()
            return original(endpoint, request)
        if not _is_omics_request(request):
            return original(endpoint, request)
        self.safety_net_hits += 1
        body = body_bytes(request.body)
        answer = self.protocol.handle(request.method, request.url, request.headers, body)
        return AWSResponse(request.url, answer.status, answer.headers, _Body(answer.body))

    def keep_offline(self, client: Any) -> None:
        """Refuse ``client``'s requests whenever no mock is active (by its signer,
        checked before signing, and its endpoint, checked before sending)."""
        with self._lock:
            for part in (
                getattr(client, "_request_signer", None),
                getattr(client, "_endpoint", None),
            ):
                if part is not None:
                    self._offline.add(part)

    def on_creating_client_class(self, base_classes: list[type] | None = None, **_: Any) -> None:
        """A client class made while a mock is active gets ``MadeInMock`` as a base."""
        active = self.environment is not None
        if active and base_classes is not None and MadeInMock not in base_classes:
            base_classes.insert(0, MadeInMock)

    def sleep(self, seconds: float) -> None:
        """botocore's waiter and retry sleep: virtual while a mock is active."""
        environment = self.environment
        if environment is None:
            _time.sleep(seconds)
        else:
            environment.clock.sleep(seconds)

    def take_rate_limit_pass(self) -> bool:
        """True once after this thread's omics request was answered by the mock."""
        if getattr(self._just_answered, "flag", False):
            self._just_answered.flag = False
            return self.environment is not None
        return False

    # -- plain HTTP (requests / server) ------------------------------------------------

    def answers_url(self, url: str) -> bool:
        """Whether a plain HTTP call to ``url`` is answered by the mock right now."""
        if self.environment is None:
            return False
        return bool(OMICS_URL.match(url) or ARTIFACT_URL.match(url))

    def answer_http(
        self, method: str, url: str, headers: Any, body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a plain HTTP request (``requests``, server mode)."""
        environment = self.environment
        if environment is not None and ARTIFACT_URL.match(url):
            data = environment.artifacts.fetch(url)
            if data is None:
                return 404, {"content-type": "text/plain"}, b"Not found"
            return 200, {"content-type": "application/octet-stream"}, data
        answer = self.protocol.handle(method, url, headers, body)
        return answer.status, answer.headers, answer.body


# -- request helpers -------------------------------------------------------------------


def body_bytes(body: Any) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    return b"".join(_chunk_bytes(chunk) for chunk in body)


def _chunk_bytes(chunk: bytes | str) -> bytes:
    return chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def _is_omics_request(request: AWSPreparedRequest) -> bool:
    if OMICS_URL.match(request.url):
        return True
    authorization = request.headers.get("Authorization")
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    return bool(authorization and _SIGNATURE_SERVICE.search(authorization))


def _offline_credentials(current: Any) -> Credentials | None:
    """Static credentials to sign with instead of ``current``, or ``None`` to keep it."""
    if current is None:
        return FAKE_CREDENTIALS
    if isinstance(current, RefreshableCredentials):
        # The attribute, not the property: reading the property may refresh.
        return Credentials(current._access_key or FAKE_ACCESS_KEY, FAKE_SECRET_KEY)
    return None


# -- installation ------------------------------------------------------------------------

INTERCEPTOR = Interceptor()


def _send_handler(request: AWSPreparedRequest, event_name: str = "", **kwargs: Any) -> Any:
    return INTERCEPTOR.on_before_send(request, event_name=event_name, **kwargs)


def _sign_handler(**kwargs: Any) -> None:
    INTERCEPTOR.on_before_sign(**kwargs)


def _class_handler(**kwargs: Any) -> None:
    INTERCEPTOR.on_creating_client_class(**kwargs)


def register_on_emitter(emitter: Any) -> None:
    """Add the omics handlers to an event emitter exactly once.

    ``emit`` calls every registered handler, so a second registration would
    run each request twice; whatever was there (from ``BUILTIN_HANDLERS`` or an
    earlier call) is removed first.
    """
    for event, handler, unique_id in (
        (SEND_EVENT, _send_handler, _HANDLER_ID),
        (SIGN_EVENT, _sign_handler, _SIGNER_ID),
        (CLASS_EVENT, _class_handler, _CLASS_ID),
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
        BUILTIN_HANDLERS.append((CLASS_EVENT, _class_handler))


install()
