"""The state of one mock: resource families, the backend of one account and Region,
and the ``ServiceState`` that holds every backend and the mock-wide resources.

**Families.** A family holds one kind of resource of one account and Region, with
its operations marked ``@operation("Name")``. Defining a family class registers its
operations in ``OPERATIONS``; a second handler for an operation is an error at
import. ``render`` turns what a handler returns into the operation's output; List
handlers return a ``Listing``.

**Backends.** ``Backend.call`` is the service side of every request. Under the
backend's lock it catches up with virtual time, then applies what the model
declares, alike for every operation: an idempotency token seen before with the
same payload answers with what the first request made; the handler runs; its
result is rendered, paged or answered as it is. A backend builds its families by
plane (``planes``): the eager ones at once, the others when first needed. Families
react to each other's events (``events``), subscribed in the catalog's order
whenever a plane is built, so the order in which families are built never matters.

**The state.** Backends are made on first use, one per (account, Region).
Mock-wide resources (shares, the READY2RUN catalogue, run steering) are singletons
by class, made on first use with ``shared(kind)``; this module names no family.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ...wire.errors import ResourceNotFoundException, not_implemented
from ...wire.traits import page_output
from .clock import VirtualClock
from .events import EventBus, OutsideRead
from .idempotency import IdempotencyIndex
from .ids import IdAllocator
from .planes import Catalog
from .scheduler import Scheduler
from .settings import Settings
from .store import Listing

if TYPE_CHECKING:
    from ...wire.model import OperationSpec

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
FamilyT = TypeVar("FamilyT", bound="Family")
Params = dict[str, Any]
Render = Callable[[Any], dict[str, Any]]
Handler = Callable[[Params], Any]

_OPERATION_ATTR = "__omics_operation__"


# -- families ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OperationBinding:
    """Where an operation is handled: the family, its method and the output renderer."""

    name: str
    family: type[Family]
    method: str
    render: Render | None
    locked: bool = True


OPERATIONS: dict[str, OperationBinding] = {}
"""Every simulated operation, by name: filled as family classes are defined."""


def operation(name: str, *, render: Render | None = None, locked: bool = True) -> Callable[[F], F]:
    """Mark a family method as the handler of operation ``name``.

    ``render`` makes the output from the resource the handler returns; without
    it the handler returns the output itself (or ``None`` for no output).
    ``locked=False`` runs the handler without the backend's lock, for operations
    that move many bytes: the handler takes ``backend.locked()`` itself around
    what reads or changes state (operations with an idempotency token cannot).
    """

    def mark(function: F) -> F:
        setattr(function, _OPERATION_ATTR, (name, render, locked))
        return function

    return mark


class Family:
    """A resource family: one kind of resource of one account and Region."""

    key: ClassVar[str]
    """A short name for the family (``"runs"``), used in inspection and errors."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, OperationBinding] = {}
        for attribute, value in vars(cls).items():
            marked = getattr(value, _OPERATION_ATTR, None)
            if marked is None:
                continue
            name, render, locked = marked
            earlier = found.get(name) or OPERATIONS.get(name)
            if earlier is not None:
                raise TypeError(
                    f"operation {name} is handled twice: by {earlier.family.__qualname__}."
                    f"{earlier.method} and by {cls.__qualname__}.{attribute}"
                )
            found[name] = OperationBinding(name, cls, attribute, render, locked)
        OPERATIONS.update(found)

    def __init__(self, backend: Backend) -> None:
        self.backend = backend


def not_found(kind: str, identifier: str) -> ResourceNotFoundException:
    """``<Kind> <id> not found``, as the service words it (ResourceNotFoundException)."""
    return ResourceNotFoundException(f"{kind} {identifier} not found")


# -- the backend of one account and Region -------------------------------------------------


class Backend:
    """All state of one account in one Region (moto calls this a backend)."""

    def __init__(
        self,
        account_id: str,
        region: str,
        state: ServiceState,
        catalog: Catalog,
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.state = state
        self.clock = state.clock
        self.settings = state.settings
        self.scheduler = Scheduler()
        self.ids = IdAllocator(f"{account_id}/{region}", state.settings.id_seed)
        self.idempotency = IdempotencyIndex()
        self.events = EventBus()
        self.lock = threading.RLock()
        self.taggable: dict[str, Any] = {}
        self._taggable_kinds: dict[str, Callable[[str], Any]] = {}
        self._arn_prefix = f"arn:aws:omics:{region}:{account_id}:"
        self.catalog = catalog
        self._families: dict[type[Family], Family] = {}
        """The families built so far, in the catalog's order, of the planes ``_built``."""
        self._built: set[str] = set()
        self._handlers: dict[str, tuple[Handler, Render | None, bool]] = {}
        """Each operation's bound handler, renderer and locking, bound at its first request."""
        self.events.hold(catalog.reactions, self.build)
        for plane in catalog.eager:
            self.build(plane)

    def build(self, plane: str) -> None:
        """Build the families of ``plane`` (once; importing their modules on first use)."""
        with self.lock:
            if plane in self._built:
                return
            self._built.add(plane)
            made = [kind(self) for kind in self.catalog.classes(plane)]
            rank = self.catalog.rank
            families = sorted([*self._families.values(), *made], key=lambda f: rank(type(f)))
            self._families = {type(family): family for family in families}
            self.events.woken(plane)
            self.events.clear()
            for family in families:
                self.events.subscribe_marked(family)

    def get(self, kind: type[FamilyT]) -> FamilyT:
        """This backend's family of that class (its plane is built if it is not yet)."""
        family = self._families.get(kind)
        if family is None:
            plane = self.catalog.plane_of(kind)
            if plane is None:
                raise KeyError(kind)
            self.build(plane)
            family = self._families[kind]
        assert isinstance(family, kind)
        return family

    def families(self) -> list[Family]:
        """Every family of the catalog, in its order (building every plane not built yet)."""
        for plane in self.catalog.planes:
            self.build(plane)
        return list(self._families.values())

    def arn(self, resource: str) -> str:
        """``arn:aws:omics:<region>:<account>:<resource>``."""
        return f"arn:aws:omics:{self.region}:{self.account_id}:{resource}"

    def catch_up(self) -> None:
        """Process every simulated event due by now (call with the lock held)."""
        self.scheduler.run_due(self.clock.now())

    def before_outside_read(self) -> None:
        """Catch up, then have families write what they owe other services (``OutsideRead``)."""
        if not self.events.has_reactions(OutsideRead):
            return
        with self.lock:
            self.scheduler.run_due(self.clock.now())
            self.events.publish(OutsideRead())

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the backend's lock, caught up with virtual time (``locked=False`` handlers)."""
        with self.lock:
            self.scheduler.run_due(self.clock.now())
            yield

    # -- taggable resources ------------------------------------------------------------

    def register_taggable(self, arn: str, resource: Any) -> None:
        """Make a resource (anything with a ``tags`` dict) reachable by its ARN."""
        self.taggable[arn] = resource

    def unregister_taggable(self, arn: str) -> None:
        self.taggable.pop(arn, None)

    def register_taggable_kind(self, kind: str, find: Callable[[str], Any]) -> None:
        """Resources whose ARNs end ``<kind>/<id>`` are found by ``find(id)``: a family
        with many resources (runs) answers from its own store, not the ARN table."""
        self._taggable_kinds[kind] = find

    def taggable_resource(self, arn: str) -> Any:
        """The taggable resource of this account and Region with ``arn``, or ``None``."""
        found = self.taggable.get(arn)
        if found is not None or not arn.startswith(self._arn_prefix):
            return found
        kind, _, identifier = arn[len(self._arn_prefix) :].partition("/")
        find = self._taggable_kinds.get(kind)
        resource = find(identifier) if find is not None else None
        return resource if resource is not None and resource.arn == arn else None

    # -- requests ----------------------------------------------------------------------

    def call(self, spec: OperationSpec, params: Params) -> Any:
        """Run one validated request against this backend; returns its output."""
        entry = self._handlers.get(spec.name) or self._bind(spec)
        handler, render, locked = entry
        token = spec.traits.idempotency_token
        if not locked:
            return self._output(handler(params), render, spec, params)
        with self.lock:
            self.scheduler.run_due(self.clock.now())
            if token is None or params.get(token) is None:
                return self._output(handler(params), render, spec, params)
            conflict = "ConflictException" in spec.errors
            earlier = self.idempotency.lookup(spec.name, token, params, conflict)
            if earlier is not None:
                return self._output(earlier, render, spec, params)
            result = handler(params)
            self.idempotency.remember(spec.name, token, params, result)
            return self._output(result, render, spec, params)

    def _bind(self, spec: OperationSpec) -> tuple[Handler, Render | None, bool]:
        """The operation's handler bound to this backend's family, its renderer and locking
        (the plane that serves the operation's host is built first, if it is not yet)."""
        name = spec.name
        plane = self.catalog.hosts.get(spec.host_prefix or "")
        if plane is not None:
            self.build(plane)
        binding = OPERATIONS.get(name)
        family = None
        if binding is not None and self.catalog.plane_of(binding.family) is not None:
            family = self.get(binding.family)
        if binding is None or family is None:
            raise not_implemented(name)
        handler = getattr(family, binding.method)
        entry = self._handlers[name] = (handler, binding.render, binding.locked)
        return entry

    @staticmethod
    def _output(result: Any, render: Render | None, spec: OperationSpec, params: Params) -> Any:
        paging = spec.traits.paging
        if isinstance(result, Listing):
            if paging is None:
                raise TypeError(f"{spec.name} returned a Listing but the model does not page it")
            return page_output(result, params, paging)
        if render is not None and result is not None:
            return render(result)
        return result


# -- the whole mock --------------------------------------------------------------------------


class ServiceState:
    """The state behind one mock (or one server)."""

    def __init__(
        self,
        families: Sequence[type[Family]] | Catalog,
        settings: Settings | None = None,
        *,
        clock: VirtualClock | None = None,
        providers: dict[type, Callable[[], Any]] | None = None,
    ) -> None:
        self.catalog = families if isinstance(families, Catalog) else Catalog.of(families)
        self.clock = clock if clock is not None else VirtualClock()
        self.settings = settings if settings is not None else Settings()
        self.providers: dict[type, Callable[[], Any]] = dict(providers or {})
        """How ``shared(kind)`` makes some kinds (``provide``); others are made as ``kind()``."""
        self._backends: dict[tuple[str, str], Backend] = {}
        self._shared: dict[type, Any] = {}
        self._shared_events = Scheduler()
        self._lock = threading.RLock()

    # -- backends ------------------------------------------------------------------------

    def backend(self, account_id: str | None = None, region: str = "us-east-1") -> Backend:
        """The backend of one account and Region, made on first use."""
        key = (account_id or self.settings.default_account_id, region)
        backend = self._backends.get(key)
        if backend is None:
            with self._lock:
                backend = self._backends.get(key)
                if backend is None:
                    backend = Backend(key[0], key[1], self, self.catalog)
                    self._backends[key] = backend
        return backend

    def backends(self) -> list[Backend]:
        """Backends made so far."""
        return list(self._backends.values())

    # -- mock-wide resources -------------------------------------------------------------

    def shared(self, kind: type[T]) -> T:
        """The mock-wide instance of ``kind``, made on first use (``kind()``, or its provider)."""
        found = self._shared.get(kind)
        if found is None:
            with self._lock:
                found = self._shared.get(kind)
                if found is None:
                    found = self._shared[kind] = self.providers.get(kind, kind)()
        return found  # type: ignore[no-any-return]

    def provide(self, kind: type[T], make: Callable[[], T]) -> None:
        """Make the mock-wide ``kind`` with ``make`` (server mode's download links), now and
        in every state restored into this one."""
        with self._lock:
            self.providers[kind] = make
            self._shared[kind] = make()

    def shared_kinds(self) -> list[tuple[type, Any]]:
        """The mock-wide instances made so far, with their kinds, in the order they were made."""
        return list(self._shared.items())

    @property
    def shared_events(self) -> Scheduler:
        return self._shared_events

    def adopt(self, incoming: ServiceState, now: _dt.datetime) -> None:
        """Take everything ``incoming`` holds (a restored snapshot, built on this state's
        clock and providers) and resume at virtual time ``now``. This object, its clock
        and its settings object stay the ones callers hold."""
        if incoming.clock is not self.clock:
            raise ValueError("a state to adopt must be built on this state's clock")
        with self._lock:
            for name in type(self.settings).__dataclass_fields__:
                setattr(self.settings, name, getattr(incoming.settings, name))
            for backend in incoming._backends.values():
                backend.state, backend.settings = self, self.settings
            self._backends = incoming._backends
            self._shared = incoming._shared
            self._shared_events = incoming._shared_events
            self.clock.set_now(now)

    def schedule_shared(self, due: _dt.datetime, action: Callable[[_dt.datetime], None]) -> None:
        """An event on mock-wide state, processed before any request."""
        with self._lock:
            self._shared_events.schedule(due, action)

    def catch_up_shared(self) -> None:
        """Process the mock-wide events due by now."""
        if self._shared_events.next_due() is not None:
            with self._lock:
                self._shared_events.run_due(self.clock.now())

    def catch_up_all(self) -> None:
        """Bring every backend up to now and have it write what it owes other AWS services
        (``Backend.before_outside_read``): another service is about to answer in this
        process, and what runs wrote by now must be there. A backend another thread is
        using is waited for (what that request changes is written too)."""
        self.catch_up_shared()
        for backend in self.backends():
            backend.before_outside_read()

    def simulation_failures(self) -> list[tuple[_dt.datetime, Exception]]:
        """Simulated events that raised (bugs in the mock), across all backends."""
        failures = list(self._shared_events.failures)
        for backend in self.backends():
            failures.extend(backend.scheduler.failures)
        return sorted(failures, key=lambda failure: failure[0])
