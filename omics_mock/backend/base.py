"""The backend for one account and Region, and the registry that holds them.

A backend is made of resource families (workflows, runs, tags, ...), each a
small class whose methods are marked with ``@operation("Name")``. The
operation table is collected once per family class; a request looks its
handler up by name and runs it under the backend's lock, after the scheduler
has caught up with virtual time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..protocol.errors import ResourceNotFoundException, not_implemented
from .idempotency import IdempotencyIndex
from .ids import IdAllocator
from .scheduler import Scheduler

if TYPE_CHECKING:
    from .batches import Batches
    from .configurations import Configurations
    from .environment import Environment
    from .run_caches import RunCaches
    from .run_groups import RunGroups
    from .runs import Runs
    from .shares import Shares
    from .tags import Tags
    from .workflows import Workflows

Params = dict[str, Any]
Handler = Callable[[Any, Params], Any]
F = TypeVar("F", bound=Callable[..., Any])

_OPERATION_ATTR = "__omics_operation__"


def operation(name: str) -> Callable[[F], F]:
    """Mark a family method as the handler of the named operation."""

    def mark(function: F) -> F:
        setattr(function, _OPERATION_ATTR, name)
        return function

    return mark


class Family:
    """A resource family: a slice of backend state and the operations on it."""

    attribute: ClassVar[str]
    """The name under which the backend exposes this family (``backend.runs``)."""

    _operations: ClassVar[dict[str, Handler]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table: dict[str, Handler] = {}
        for klass in reversed(cls.__mro__):
            for value in vars(klass).values():
                name = getattr(value, _OPERATION_ATTR, None)
                if name is not None:
                    table[name] = value
        cls._operations = table

    def __init__(self, backend: OmicsBackend) -> None:
        self.backend = backend

    @classmethod
    def operations(cls) -> dict[str, Handler]:
        return cls._operations


class OmicsBackend:
    """All HealthOmics state for one (account, Region)."""

    family_classes: ClassVar[tuple[type[Family], ...]] = ()

    if TYPE_CHECKING:  # set from ``family_classes`` in __init__
        workflows: Workflows
        runs: Runs
        run_groups: RunGroups
        run_caches: RunCaches
        configurations: Configurations
        shares: Shares
        batches: Batches
        tags: Tags

    def __init__(self, account_id: str, region: str, environment: Environment) -> None:
        self.account_id = account_id
        self.region = region
        self.environment = environment
        self.clock = environment.clock
        self.settings = environment.settings
        self.scheduler = Scheduler()
        self.ids = IdAllocator(f"{account_id}/{region}")
        self.idempotency = IdempotencyIndex()
        self.lock = threading.RLock()
        self.taggable: dict[str, Any] = {}
        self._handlers: dict[str, Callable[[Params], Any]] = {}
        for family_class in self.family_classes:
            family = family_class(self)
            setattr(self, family_class.attribute, family)
            for name, function in family_class.operations().items():
                self._handlers[name] = function.__get__(family)

    def arn(self, resource: str) -> str:
        """``arn:aws:omics:<region>:<account>:<resource>``."""
        return f"arn:aws:omics:{self.region}:{self.account_id}:{resource}"

    def handles(self, operation_name: str) -> bool:
        return operation_name in self._handlers

    def catch_up(self) -> None:
        """Process every simulated event due by now."""
        self.scheduler.run_due(self.clock.now())

    def call(self, operation_name: str, params: Params) -> Any:
        """Run one operation against this backend."""
        handler = self._handlers.get(operation_name)
        if handler is None:
            raise not_implemented(operation_name)
        with self.lock:
            self.scheduler.run_due(self.clock.now())
            return handler(params)

    # -- shared helpers for families --------------------------------------------

    def register_taggable(self, arn: str, resource: Any) -> None:
        """Make a resource (anything with a ``tags`` dict) reachable by its ARN."""
        self.taggable[arn] = resource

    def unregister_taggable(self, arn: str) -> None:
        self.taggable.pop(arn, None)

    def lookup_run_group(self, group_id: str) -> Any:
        """The run group a request names (``Run group <id> not found`` otherwise)."""
        family = getattr(self, "run_groups", None)
        if family is None:
            raise not_found("Run group", group_id)
        return family.get(group_id)

    def lookup_run_cache(self, cache_id: str) -> Any:
        family = getattr(self, "run_caches", None)
        if family is None:
            raise not_found("Run cache", cache_id)
        return family.get(cache_id)

    def lookup_configuration(self, name: str) -> Any:
        """The ACTIVE configuration a VPC run names."""
        family = getattr(self, "configurations", None)
        if family is None:
            raise not_found("Configuration", name)
        return family.for_run(name)


def not_found(kind: str, identifier: str) -> ResourceNotFoundException:
    """``<Kind> <id> not found``, as the service words it."""
    return ResourceNotFoundException(f"{kind} {identifier} not found")


class BackendRegistry:
    """Backends by (account, Region), created on first use."""

    def __init__(self, environment: Environment) -> None:
        self._environment = environment
        self._backends: dict[tuple[str, str], OmicsBackend] = {}
        self._lock = threading.Lock()

    def get(self, account_id: str, region: str) -> OmicsBackend:
        key = (account_id, region)
        backend = self._backends.get(key)
        if backend is None:
            with self._lock:
                backend = self._backends.get(key)
                if backend is None:
                    backend = self._environment.backend_class(account_id, region, self._environment)
                    self._backends[key] = backend
        return backend

    def existing(self) -> list[OmicsBackend]:
        """Backends created so far."""
        return list(self._backends.values())
