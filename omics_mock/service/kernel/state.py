"""Everything one mock simulates: the clock, the settings, every backend, and the
few resources that belong to the whole mock rather than to one account.

Backends are made on first use, one per (account, Region), each with every
registered family. Mock-wide resources (shares seen by two accounts, the
READY2RUN catalogue, how future runs behave) are singletons by class, made on
first use with ``shared(kind)``; their classes live with the families that use
them, so this module names no family.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .backend import Backend
from .clock import VirtualClock
from .family import Family
from .scheduler import Scheduler
from .settings import Settings

T = TypeVar("T")


class ServiceState:
    """The state behind one mock (or one server)."""

    def __init__(self, families: Sequence[type[Family]], settings: Settings | None = None) -> None:
        self.families = tuple(families)
        self.clock = VirtualClock()
        self.settings = settings if settings is not None else Settings()
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
                    backend = Backend(key[0], key[1], self, self.families)
                    self._backends[key] = backend
        return backend

    def backends(self) -> list[Backend]:
        """Backends made so far."""
        return list(self._backends.values())

    # -- mock-wide resources -------------------------------------------------------------

    def shared(self, kind: type[T]) -> T:
        """The mock-wide instance of ``kind``, made (with no arguments) on first use."""
        found = self._shared.get(kind)
        if found is None:
            with self._lock:
                found = self._shared.get(kind)
                if found is None:
                    found = self._shared[kind] = kind()
        return found

    def replace_shared(self, kind: type[T], value: T) -> None:
        """Use ``value`` as the mock-wide ``kind`` (server mode's download links)."""
        with self._lock:
            self._shared[kind] = value

    def schedule_shared(self, due: _dt.datetime, action: Callable[[_dt.datetime], None]) -> None:
        """An event on mock-wide state, processed before any request."""
        with self._lock:
            self._shared_events.schedule(due, action)

    def catch_up_shared(self) -> None:
        """Process the mock-wide events due by now."""
        if self._shared_events.next_due() is not None:
            with self._lock:
                self._shared_events.run_due(self.clock.now())

    def simulation_failures(self) -> list[tuple[_dt.datetime, Exception]]:
        """Simulated events that raised (bugs in the mock), across all backends."""
        failures = list(self._shared_events.failures)
        for backend in self.backends():
            failures.extend(backend.scheduler.failures)
        return sorted(failures, key=lambda failure: failure[0])
