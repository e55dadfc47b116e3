"""The whole state as one document, and a state rebuilt from one (see ``service.snapshot``).

``write_state`` catches every backend up to now and writes, under every lock,
the settings, the mock-wide objects and their events, then every family of
every account and Region (family by family, so that resources others point at
come first: workflows before runs), then each backend's IDs, idempotency
records, taggable resources and scheduled events.

``read_state`` builds a new state from a document on the live state's clock,
checks everything as it goes, and only then has the live state adopt it: a
refused document changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re
from collections.abc import Callable, Iterator
from typing import Any, cast

from ..kernel.gc_pause import gc_paused
from ..kernel.scheduler import Event
from ..kernel.state import Backend, Family, ServiceState
from .classes import SnapshotError, class_name, lookup, plan_for
from .decode import Decoder
from .encode import Encoder

FORMAT = "omics-mock-snapshot"
VERSION = 1
FIRST_FAMILIES = (
    "workflows",
    "configurations",
    "run_groups",
    "run_caches",
    "sequence_stores",
    "references",
    "read_sets",
    "variant_stores",
    "annotation_stores",
)
"""Families whose resources others point at, written first (any order would do)."""
STATE_ATTRIBUTES = frozenset(
    {"catalog", "clock", "settings", "providers", "_backends", "_shared"}
    | {"_shared_events", "_lock"}
)
BACKEND_ATTRIBUTES = frozenset(
    {"account_id", "region", "state", "clock", "settings", "scheduler", "ids", "idempotency"}
    | {"events", "lock", "taggable", "catalog", "_families", "_built", "_handlers"}
    | {"_taggable_kinds", "_arn_prefix"}
)
"""What a snapshot knows of a state and a backend: anything else is refused (it would be
lost). Families and their parts are written whole, whatever they hold."""
_ACCOUNT = re.compile(r"[0-9]{12}")


def place_of(backend: Backend) -> str:
    return f"accounts/{backend.account_id}/{backend.region}"


def skeleton(state: ServiceState) -> dict[str, Any]:
    """Place -> object of the state's skeleton: what its constructors made."""
    places: dict[str, Any] = {"state": state, "clock": state.clock}
    seen: set[int] = {id(state), id(state.clock)}
    for kind, shared in state.shared_kinds():
        _walk(places, seen, f"shared/{class_name(kind)}", shared)
    places["shared_events"] = state.shared_events
    for backend in state.backends():
        base = place_of(backend)
        places[base] = backend
        seen.add(id(backend))
        for part in ("scheduler", "ids", "idempotency", "events"):
            _walk(places, seen, f"{base}/{part}", getattr(backend, part))
        for family in backend.families():
            _walk(places, seen, f"{base}/{family.key}", family)
    return places


def _walk(places: dict[str, Any], seen: set[int], place: str, obj: Any) -> None:
    places[place] = obj
    seen.add(id(obj))
    for name in plan_for(type(obj)).attributes(obj):
        value = getattr(obj, name)
        if id(value) not in seen and _is_part(value):
            _walk(places, seen, f"{place}/{name}", value)


def _is_part(value: Any) -> bool:
    """A constructor-made part: an object of the service that is not data."""
    kind = type(value)
    return (
        kind.__module__.startswith("omics_mock.service.")
        and not hasattr(kind, "__dataclass_fields__")
        and kind is not Event
    )


def family_order(state: ServiceState) -> list[str]:
    families = cast("tuple[type[Family], ...]", state.catalog.all_classes())
    keys = [family.key for family in families]
    return [k for k in FIRST_FAMILIES if k in keys] + [k for k in keys if k not in FIRST_FAMILIES]


def _families(backend: Backend) -> dict[str, Family]:
    return {family.key: family for family in backend.families()}


def _check_known(state: ServiceState) -> None:
    for name, obj, known in [("ServiceState", state, STATE_ATTRIBUTES)] + [
        ("Backend", backend, BACKEND_ATTRIBUTES) for backend in state.backends()
    ]:
        unknown = set(vars(obj)) - known
        if unknown:
            raise SnapshotError(f"{name} has attributes snapshots do not know: {sorted(unknown)}")


@contextlib.contextmanager
def _holding(state: ServiceState, backends: list[Backend]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        stack.enter_context(state._lock)
        for backend in backends:
            stack.enter_context(backend.lock)
        yield


# -- writing ----------------------------------------------------------------------------------


def write_state(state: ServiceState) -> dict[str, Any]:
    """The state as plain data (``json.dumps`` takes it as it is)."""
    _check_known(state)
    with _holding(state, state.backends()):
        state.catch_up_shared()
        for backend in state.backends():
            backend.catch_up()
            backend.before_outside_read()  # what waits for moto is not carried: write it
        with gc_paused():
            return _write(state)


def _write(state: ServiceState) -> dict[str, Any]:
    encoder = Encoder(skeleton(state))
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "virtual_time": state.clock.now().isoformat(),
        "omitted": encoder.omitted,
        "settings": encoder.at("settings", state.settings),
    }
    shared = {}
    for kind, obj in state.shared_kinds():
        name = class_name(kind)
        shared[name] = encoder.at(f"shared/{name}", obj, tag=name)
    document["shared"] = shared
    document["shared_events"] = encoder.at("shared_events", state.shared_events)
    backends = state.backends()
    accounts: list[dict[str, Any]] = [
        {"account_id": b.account_id, "region": b.region, "families": {}} for b in backends
    ]
    for key in family_order(state):
        for entry, backend in zip(accounts, backends, strict=True):
            family = _families(backend)[key]
            base = place_of(backend)
            entry["families"][key] = encoder.at(f"{base}/{key}", family, base=base)
    for entry, backend in zip(accounts, backends, strict=True):
        base = place_of(backend)
        for part in ("ids", "idempotency", "taggable", "scheduler"):
            entry[part] = encoder.at(f"{base}/{part}", getattr(backend, part), base=base)
    document["accounts"] = accounts
    return document


# -- reading ----------------------------------------------------------------------------------


def read_state(state: ServiceState, document: Any, also: Callable[[], None] | None = None) -> None:
    """Replace everything ``state`` holds with what ``document`` describes, resuming at its
    virtual time; ``SnapshotError`` (and no change at all) if it cannot be restored.
    ``also`` runs in the same step, under the same locks (the harness's own parts)."""
    with gc_paused():
        incoming, now = build_state(state, document)
    with _holding(state, state.backends()):
        state.adopt(incoming, now)
        if also is not None:
            also()


def build_state(state: ServiceState, document: Any) -> tuple[ServiceState, _dt.datetime]:
    """A new state from ``document``, on ``state``'s clock and providers, and its time."""
    data = _envelope(document)
    decoder = Decoder({})
    settings = decoder.at("settings", data["settings"])
    if type(settings) is not type(state.settings):
        raise SnapshotError("settings must be the mock's Settings", "settings")
    incoming = ServiceState(state.catalog, settings, clock=state.clock, providers=state.providers)
    for name in data["shared"]:
        kind = lookup(name, f"shared/{name}")
        try:
            incoming.shared(kind)
        except Exception as error:
            raise SnapshotError(f"not a mock-wide kind: {error}", f"shared/{name}") from None
    backends = [_backend(incoming, n, entry) for n, entry in enumerate(data["accounts"])]
    decoder.add_skeleton(skeleton(incoming))
    for name, shared in data["shared"].items():
        decoder.at(f"shared/{name}", shared)
    decoder.at("shared_events", data["shared_events"])
    for key in family_order(incoming):
        for entry, backend in zip(data["accounts"], backends, strict=True):
            base = place_of(backend)
            if key not in entry["families"]:
                raise SnapshotError(f"the {key} family is missing", f"{base}/{key}")
            decoder.at(f"{base}/{key}", entry["families"][key], base=base)
    for entry, backend in zip(data["accounts"], backends, strict=True):
        base = place_of(backend)
        unknown = set(entry["families"]) - set(_families(backend))
        if unknown:
            raise SnapshotError(f"this omics-mock has no families {sorted(unknown)}", base)
        for part in ("ids", "idempotency", "scheduler"):
            decoder.at(f"{base}/{part}", entry.get(part), base=base)
        taggable = decoder.at(f"{base}/taggable", entry.get("taggable"), base=base)
        if not isinstance(taggable, dict):
            raise SnapshotError("taggable must map ARNs to resources", f"{base}/taggable")
        backend.taggable = taggable
    return incoming, _time(data["virtual_time"])


def _envelope(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise SnapshotError(f"a snapshot is a JSON object, not {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise SnapshotError(f"not an omics-mock snapshot: format is {document.get('format')!r}")
    version = document.get("version")
    if version != VERSION:
        raise SnapshotError(
            f"unknown snapshot format version {version!r}: this omics-mock reads version {VERSION}"
        )
    for member, kind in (
        ("virtual_time", str),
        ("settings", dict),
        ("shared", dict),
        ("shared_events", dict),
        ("accounts", list),
    ):
        if not isinstance(document.get(member), kind):
            shown = type(document.get(member)).__name__ if member in document else "missing"
            raise SnapshotError(f"{member} must be a JSON {kind.__name__}, not {shown}")
    return document


def _backend(incoming: ServiceState, n: int, entry: Any) -> Backend:
    where = f"accounts[{n}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("families"), dict):
        raise SnapshotError("an account is an object with account_id, region, families", where)
    account, region = entry.get("account_id"), entry.get("region")
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        raise SnapshotError(f"account_id must be 12 digits, not {account!r}", where)
    if not isinstance(region, str) or not region:
        raise SnapshotError(f"region must be a Region name, not {region!r}", where)
    if any(b.account_id == account and b.region == region for b in incoming.backends()):
        raise SnapshotError(f"{account} in {region} is there twice", where)
    return incoming.backend(account, region)


def _time(text: str) -> _dt.datetime:
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise SnapshotError(f"virtual_time is not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise SnapshotError(f"virtual_time needs a time zone: {text!r}")
    return moment
