"""Patches the first activation installs, once per process.

Each one does nothing unless a mock is active (see ``Interceptor.active``):

* ``register_on_existing_objects``: the omics handlers on sessions and omics
  clients created before ``import omics_mock``;
* a guard on ``botocore.endpoint.Endpoint._send`` so an omics request that
  reached no handler still never goes to the network;
* virtual sleeps in botocore's waiter and endpoint (retry back-off) modules;
* no client-side rate-limit wait for omics requests in adaptive retry mode;
* ``requests.Session.get_adapter`` handing omics hosts to an in-process adapter;
* ``quiet_moto_for_omics``: moto's generic ``before-send`` handler skips omics
  events (botocore calls every handler even after ours answered, and moto
  would parse each omics request only to throw its answer away).

``hand_environ_back_to_moto`` is not a patch: called when a mock stops, it
corrects what a moto mock saved of the environment (see ``mock._EnvironPatch``).
"""

from __future__ import annotations

import gc
import io
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import botocore.client
import botocore.endpoint
import botocore.retries.bucket
import botocore.session
import botocore.waiter
from botocore.awsrequest import AWSPreparedRequest

if TYPE_CHECKING:
    from .interception import Interceptor

_MOTO_STUBBER_MODULE = "moto.core.botocore_stubber"
_MOTO_MODELS_MODULE = "moto.core.models"
_QUIET_FLAG = "_omics_mock_quiet"


def install_process_hooks(interceptor: Interceptor) -> None:
    """Everything the first activation sets up, once per process."""
    register_on_existing_objects()
    _guard_endpoint_send(interceptor)
    _virtualise_botocore_sleeps(interceptor)
    _bypass_adaptive_rate_limit(interceptor)
    _route_requests_calls(interceptor)


def register_on_existing_objects() -> int:
    """Reach sessions and omics clients created before ``import omics_mock``.

    One C-level pass: ``gc.get_referrers`` on the session and client classes
    finds their instances (an instance of a Python class refers to its type).
    Only ``type()`` is consulted, never ``isinstance``, which would call a
    ``__class__`` property (a werkzeug ``LocalProxy`` raises from it).
    Returns how many objects were registered.
    """
    from .interception import register_on_emitter, register_on_session

    session_types = set(_with_subclasses(botocore.session.Session))
    client_types = set(_with_subclasses(botocore.client.BaseClient))
    registered = 0
    for obj in gc.get_referrers(*session_types, *client_types):
        kind = type(obj)
        if kind in session_types:
            register_on_session(obj)
            registered += 1
        elif kind in client_types and obj.meta.service_model.service_name == "omics":
            register_on_emitter(obj.meta.events)
            registered += 1
    return registered


def _with_subclasses(root: type[Any]) -> Iterator[type[Any]]:
    yield root
    subclass: type[Any]
    for subclass in root.__subclasses__():
        yield from _with_subclasses(subclass)


def _guard_endpoint_send(interceptor: Interceptor) -> None:
    original = botocore.endpoint.Endpoint._send

    def _send(endpoint: Any, request: AWSPreparedRequest) -> Any:
        return interceptor.guarded_send(original, endpoint, request)

    botocore.endpoint.Endpoint._send = _send


def _virtualise_botocore_sleeps(interceptor: Interceptor) -> None:
    from .interception import VirtualTimeModule

    virtual = VirtualTimeModule(interceptor.sleep)
    botocore.waiter.time = virtual
    botocore.endpoint.time = virtual


def _bypass_adaptive_rate_limit(interceptor: Interceptor) -> None:
    """Adaptive retry mode delays requests after throttling with a real wait on a
    condition variable; an omics request the mock answers skips that wait."""
    original = botocore.retries.bucket.TokenBucket.acquire

    def acquire(bucket: Any, amount: int = 1, block: bool = True) -> Any:
        if interceptor.take_rate_limit_pass():
            return True
        return original(bucket, amount, block)

    botocore.retries.bucket.TokenBucket.acquire = acquire


def _route_requests_calls(interceptor: Interceptor) -> None:
    """Plain ``requests`` calls to omics hosts go to an in-process adapter."""
    try:
        import requests
    except ImportError:  # pragma: no cover - requests is optional
        return
    original = requests.Session.get_adapter
    adapter = _requests_adapter(interceptor)

    def get_adapter(session: Any, url: str) -> Any:
        if interceptor.answers_url(url):
            return adapter
        return original(session, url)

    requests.Session.get_adapter = get_adapter  # type: ignore[method-assign,assignment]


def _requests_adapter(interceptor: Interceptor) -> Any:
    """A ``requests`` transport adapter answered by ``interceptor``."""
    import http.client

    import requests.adapters
    import urllib3

    from .interception import body_bytes

    class OmicsAdapter(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            status, headers, body = interceptor.answer_http(
                request.method, request.url, request.headers, body_bytes(request.body)
            )
            raw = urllib3.HTTPResponse(
                body=io.BytesIO(body),
                headers=headers,
                status=status,
                reason=http.client.responses.get(status, ""),
                preload_content=False,
                decode_content=False,
            )
            return self.build_response(request, raw)

    return OmicsAdapter()


def quiet_moto_for_omics(interceptor: Interceptor) -> None:
    """Make moto's ``before-send`` handler skip omics events while a mock is active.

    Checked at every activation, since moto may be imported after the first one.
    If moto's internals change shape, nothing is patched (only speed is lost).
    """
    from .interception import SEND_EVENT

    stubber = getattr(sys.modules.get(_MOTO_STUBBER_MODULE), "BotocoreStubber", None)
    if stubber is None or getattr(stubber, _QUIET_FLAG, False):
        return
    original = stubber.__call__

    def __call__(self: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        if interceptor.active and str(kwargs.get("event_name", "")).startswith(SEND_EVENT):
            return None
        return original(self, *args, **kwargs)

    stubber.__call__ = __call__
    setattr(stubber, _QUIET_FLAG, True)


def hand_environ_back_to_moto(name: str, ours: str | None, original: str | None) -> None:
    """Moto mocks that saved ``ours`` as the value of ``name`` restore ``original`` instead.

    moto saves the credential variables it finds when it starts and writes them
    back when it stops, unconditionally; one started while our fake values were
    in place would otherwise leave them behind. Nothing happens if moto is not
    imported or its internals change shape.
    """
    mock_class = getattr(sys.modules.get(_MOTO_MODELS_MODULE), "MockAWS", None)
    if not isinstance(mock_class, type):
        return
    mock_types = set(_with_subclasses(mock_class))
    for obj in gc.get_referrers(*mock_types):
        saved = getattr(obj, "_orig_creds", None) if type(obj) in mock_types else None
        if isinstance(saved, dict) and name in saved and saved[name] == ours:
            saved[name] = original
