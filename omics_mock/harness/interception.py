"""Catching omics requests in this process and answering them from the active mock.

While a mock is active (and only then), these patches are in place; the first
mock to start installs them and the last to stop takes them out, so importing
omics-mock, or loading its pytest plugin, changes nothing in botocore:

* ``Endpoint._do_get_response`` tags an omics request with its operation (and,
  for a request to another service, which moto may answer, first brings the
  simulation up to now and hands moto what runs wrote by now, so it is there to
  read) and
  ``Endpoint._send`` (reached only when no ``before-send`` handler answered:
  a user's canned answer or a ``Stubber`` win, at no cost) answers it from
  the mock instead of the network. Being class-level, they catch every client,
  made before or after import or activation, from any session, any host form;
* ``RequestSigner.sign`` gives omics clients credentials that need nothing from
  outside the process (fake ones, or static ones instead of refreshing ones);
* botocore's waiter and retry sleeps move virtual time; adaptive retry mode's
  client-side rate limiter does not hold omics requests the mock answered;
* ``requests.Session.get_adapter`` hands plain ``requests`` calls to omics hosts
  (and to the mock's download links) to an in-process adapter (patched when the
  process imports ``requests``, not imported for it: ``after_import``);
* moto's ``before-send`` handler skips omics and Price List API requests, and
  hands moto what runs wrote before it answers any other (``moto_handler``).

An omics client created while a mock is active keeps one small handler after
the mock stops: used again while no mock is active, a request bound for AWS
fails at once with ``MockStoppedError`` instead of reaching the network (and
real AWS, with real credentials). Clients created outside any mock go their
normal way once the mock stops.
"""

from __future__ import annotations

import re
import sys
import threading
import time as _time
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import botocore.client
import botocore.endpoint
import botocore.retries.bucket
import botocore.signers
import botocore.waiter
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.credentials import Credentials, RefreshableCredentials

from ..service.outside.artifacts import ARTIFACT_HOST
from .after_import import after_import
from .environ import FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from .moto_handler import MOTO_STUBBER_MODULE, patch_moto_handler
from .patching import PatchSet
from .plain_http import body_bytes, requests_adapter
from .response_body import ResponseBody as _Body

if TYPE_CHECKING:
    from ..wire.pipeline import Pipeline
    from .door import Door

OMICS_URL = re.compile(
    r"https?://(?:[a-z0-9-]+-)?omics(?:-fips)?\.[a-z0-9-]+\."
    r"(?:amazonaws\.com(?:\.cn)?|api\.aws)(?::\d+)?(?:[/?].*)?$"
)
ARTIFACT_URL = re.compile(rf"https://{re.escape(ARTIFACT_HOST)}/.*")
_SIGNATURE_SERVICE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/omics/aws4_request")
_OPERATION_ATTR = "omics_mock_operation"
_PRICING_ATTR = "omics_mock_pricing"
_JSON_1_1 = {"content-type": "application/x-amz-json-1.1"}
_SIGNED = ("omics", "pricing")
_REFUSAL_ID = "omics-mock-stopped"

FAKE_CREDENTIALS = Credentials(FAKE_ACCESS_KEY, FAKE_SECRET_KEY)


class MockStoppedError(RuntimeError):
    """An omics client created inside a mock was used after the last mock stopped.

    Such a client never goes to AWS: its requests fail here, before anything is
    sent, until a mock is active again. Make a new client outside the mock to
    reach AWS.
    """


class VirtualTimeModule(types.ModuleType):
    """Stands in for ``time`` inside botocore's waiter and endpoint modules."""

    def __init__(self, sleep: Callable[[float], None]) -> None:
        super().__init__("time")
        self.sleep = sleep

    def __getattr__(self, name: str) -> Any:
        return getattr(_time, name)


class Interceptor:
    """Owns the patches; answers omics requests through the active door."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.door: Door | None = None
        self._signers: list[tuple[Any, Any]] = []
        self._just_answered = threading.local()
        self._handing_over = threading.local()  # done: moto's handler need not hand over
        self._patch_set: PatchSet | None = None
        self._moto_quiet = False  # moto's before-send handler skips omics requests
        self._model_lent = False  # a client's loaded model offered for the service spec
        self._requests_patched = False

    @property
    def _patches(self) -> PatchSet:
        """Built at the first activation (``requests`` is imported then, not at import)."""
        if self._patch_set is None:
            self._patch_set = self._build_patches()
        return self._patch_set

    @property
    def active(self) -> bool:
        return self.door is not None

    @property
    def pipeline(self) -> Pipeline:
        door = self.door
        if door is None:
            raise MockStoppedError("no omics mock is active")
        return door.pipeline

    def activate(self, door: Door) -> None:
        """Answer omics requests through ``door`` until ``deactivate``."""
        with self._lock:
            patches = self._patches
            requests = sys.modules.get("requests")
            if requests is not None and not self._requests_patched:  # its import went unseen
                self._patch_requests(patches, requests)
            patches.install()
            self._quiet_moto()
            self.door = door

    def deactivate(self) -> None:
        """Stop answering; give clients back their credentials; take the patches out."""
        with self._lock:
            self.door = None
            for signer, credentials in self._signers:
                signer._credentials = credentials
            self._signers.clear()
            if self._patch_set is not None:
                self._patch_set.remove()

    def unhook(self, client: Any) -> None:
        """Run one client as if omics-mock were not installed (the benchmark's floor).

        Binds the client's endpoint and signer to botocore's own methods, so none
        of the class-level patches runs for it.
        """
        for patch in self._patches.patches:
            original = patch.original
            if not callable(original):
                continue
            if patch.target is botocore.endpoint.Endpoint:
                setattr(client._endpoint, patch.name, types.MethodType(original, client._endpoint))
            elif patch.target is botocore.signers.RequestSigner:
                signer = client._request_signer
                setattr(signer, patch.name, types.MethodType(original, signer))

    # -- the patches ---------------------------------------------------------------------

    def _build_patches(self) -> PatchSet:
        patches = PatchSet()
        endpoint = botocore.endpoint.Endpoint
        tag = patches.add(endpoint, "_do_get_response", None)
        tag.replacement = self._tagging(tag)
        send = patches.add(endpoint, "_send", None)
        send.replacement = self._answering(send)
        sign = patches.add(botocore.signers.RequestSigner, "sign", None)
        sign.replacement = self._offline_signing(sign)
        virtual = VirtualTimeModule(self.sleep)
        patches.add(botocore.waiter, "time", virtual)
        patches.add(botocore.endpoint, "time", virtual)
        created = patches.add(botocore.client.ClientCreator, "create_client", None)
        created.replacement = self._offline_after_stop(created)
        bucket = patches.add(botocore.retries.bucket.TokenBucket, "acquire", None)
        bucket.replacement = self._rate_limit_pass(bucket)
        self._add_requests_patch(patches)
        return patches

    def _tagging(self, patch: Any) -> Callable[..., Any]:
        def _do_get_response(
            endpoint: Any, request: Any, operation_model: Any, context: Any
        ) -> Any:
            door = self.door
            if door is not None:
                if operation_model.service_model.endpoint_prefix == "omics":
                    setattr(request, _OPERATION_ATTR, operation_model.name)
                    if not self._model_lent:
                        self._lend_model(operation_model.service_model)
                    if not self._moto_quiet and MOTO_STUBBER_MODULE in sys.modules:
                        with self._lock:  # moto was imported after this mock started
                            self._quiet_moto()
                elif operation_model.service_model.endpoint_prefix == "api.pricing":
                    setattr(request, _PRICING_ATTR, operation_model.name)
                else:
                    door.before_other_request()
                    return self._handed_over(patch, endpoint, request, operation_model, context)
            return patch.original(endpoint, request, operation_model, context)

        return _do_get_response

    def _handed_over(self, patch: Any, *args: Any) -> Any:
        self._handing_over.done = True
        try:
            return patch.original(*args)
        finally:
            self._handing_over.done = False

    def _answering(self, patch: Any) -> Callable[..., Any]:
        def _send(endpoint: Any, request: AWSPreparedRequest) -> Any:
            door, priced = self.door, getattr(request, _PRICING_ATTR, None)
            if door is not None and priced is not None:  # AmazonOmics prices (run_analyzer)
                status, data = door.answer_pricing(priced, body_bytes(request.body))
                return AWSResponse(request.url, status, _JSON_1_1, _Body(data))
            if door is None or not _is_omics_request(request):
                return patch.original(endpoint, request)
            self._just_answered.flag = True
            body = body_bytes(request.body)
            operation = getattr(request, _OPERATION_ATTR, None)
            pipeline = door.pipeline
            if operation is not None:
                answer = pipeline.handle_operation(operation, request.url, request.headers, body)
            else:
                answer = pipeline.handle(request.method, request.url, request.headers, body)
            headers: Any = answer.headers
            return AWSResponse(request.url, answer.status, headers, _Body(answer.body))

        return _send

    def _offline_signing(self, patch: Any) -> Callable[..., Any]:
        def sign(signer: Any, operation_name: str, request: Any, *args: Any, **kwargs: Any) -> Any:
            if self.door is not None and getattr(signer, "_signing_name", None) in _SIGNED:
                self._use_offline_credentials(signer)
            return patch.original(signer, operation_name, request, *args, **kwargs)

        return sign

    def _rate_limit_pass(self, patch: Any) -> Callable[..., Any]:
        """Adaptive retry mode delays requests after throttling with a real wait on a
        condition variable; an omics request the mock answered skips that wait."""

        def acquire(bucket: Any, amount: int = 1, block: bool = True) -> Any:
            if getattr(self._just_answered, "flag", False):
                self._just_answered.flag = False
                if self.door is not None:
                    return True
            return patch.original(bucket, amount, block)

        return acquire

    def _add_requests_patch(self, patches: PatchSet) -> None:
        """``requests.Session.get_adapter``, patched now if the process has imported
        ``requests``, else when it does (installed at once if a mock is active then)."""
        after_import("requests", lambda module: self._patch_requests(patches, module))

    def _patch_requests(self, patches: PatchSet, requests: types.ModuleType) -> None:
        """Add the ``requests`` patch to ``patches`` (once), installed if a mock is active."""
        with self._lock:
            if self._requests_patched:
                return
            self._requests_patched = True
            patch = patches.add(requests.Session, "get_adapter", None)
            adapter = requests_adapter(self.answer_http)

            def get_adapter(session: Any, url: str) -> Any:
                if self.answers_url(url):
                    return adapter
                return patch.original(session, url)

            patch.replacement = get_adapter
            if self.door is not None:
                patch.install()

    def _quiet_moto(self) -> None:
        """Patch moto's ``before-send`` handler, if moto is imported (``moto_handler``)."""
        if patch_moto_handler(self._patches, lambda: self.door, self._handing_over):
            self._moto_quiet = True

    # -- helpers ---------------------------------------------------------------------------

    def _lend_model(self, model: Any) -> None:
        """The first omics request lends its client's loaded model to the service spec,
        if the spec is not built yet (saves loading the model a second time)."""
        from ..wire.model import lend_service_model

        lend_service_model(model)
        self._model_lent = True

    def _use_offline_credentials(self, signer: Any) -> None:
        """A client without credentials gets fake ones; a client whose credentials
        refresh themselves (SSO, assume-role, credential_process) gets static ones
        with the same access key, so no refresh runs. Restored at deactivation."""
        current = getattr(signer, "_credentials", FAKE_CREDENTIALS)
        replacement = _offline_credentials(current)
        if replacement is not None:
            with self._lock:
                if signer._credentials is current:
                    self._signers.append((signer, current))
                    signer._credentials = replacement

    def _offline_after_stop(self, patch: Any) -> Callable[..., Any]:
        """``ClientCreator.create_client``: an omics client made while a mock is active
        keeps one handler that refuses it once every mock has stopped."""

        def create_client(creator: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
            client = patch.original(creator, service_name, *args, **kwargs)
            if self.door is not None and service_name == "omics":
                client.meta.events.register(
                    "before-send.omics", self._refuse_when_stopped, unique_id=_REFUSAL_ID
                )
            return client

        return create_client

    def _refuse_when_stopped(self, request: Any = None, **_: Any) -> None:
        """After the mock stops: refuse requests bound for AWS itself (a custom
        endpoint, such as a server-mode mock, is the user's choice and is reached)."""
        if self.door is None and OMICS_URL.match(str(getattr(request, "url", ""))):
            raise MockStoppedError(
                "this omics client was created inside an omics-mock mock, which has stopped: it "
                "does not go to AWS. Use it while a mock is active, or make a new client "
                "outside the mock to reach AWS."
            )

    def sleep(self, seconds: float) -> None:
        """botocore's waiter and retry sleep: virtual while a mock is active."""
        door = self.door
        if door is None:
            _time.sleep(seconds)
        else:
            door.sleep(seconds)

    # -- plain HTTP (requests) -----------------------------------------------------------

    def answers_url(self, url: str) -> bool:
        """Whether a plain HTTP call to ``url`` is answered by the mock right now."""
        if self.door is None:
            return False
        return bool(OMICS_URL.match(url) or ARTIFACT_URL.match(url))

    def answer_http(
        self, method: str, url: str, headers: Any, body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a plain HTTP request to an omics host."""
        door = self.door
        if door is None:
            raise MockStoppedError("no omics mock is active")
        if ARTIFACT_URL.match(url):
            data = door.download(url)
            if data is None:
                return 404, {"content-type": "text/plain"}, b"Not found"
            return 200, {"content-type": "application/octet-stream"}, data
        answer = door.pipeline.handle(method, url, headers, body)
        return answer.status, answer.headers, bytes(answer.body)


# -- request helpers -------------------------------------------------------------------


def _is_omics_request(request: AWSPreparedRequest) -> bool:
    if getattr(request, _OPERATION_ATTR, None) is not None or OMICS_URL.match(request.url):
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
        access_key = getattr(current, "_access_key", None)
        return Credentials(access_key or FAKE_ACCESS_KEY, FAKE_SECRET_KEY)
    return None


INTERCEPTOR = Interceptor()
