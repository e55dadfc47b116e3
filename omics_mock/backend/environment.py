"""Everything one mock owns: clock, settings, backends, faults, request log.

The protocol layer calls ``Environment.invoke`` for every request that passed
validation; it picks the backend from the caller's account and Region, applies
injected faults and records the request with its answer. Requests answered
before that (refused by validation, routed to no operation, a failure in the
protocol layer) are recorded through ``Environment.record``.
"""

from __future__ import annotations

import datetime as _dt
import threading
from dataclasses import dataclass
from typing import Any

from ..protocol.errors import ERRORS_BY_CODE, InternalServerException, ServiceError
from ..protocol.handler import RequestContext
from ..protocol.model import OperationSpec, service_spec
from .artifacts import ArtifactStore
from .base import BackendRegistry, OmicsBackend, not_found
from .clock import VirtualClock
from .ready2run import DEFAULT_ENTRIES
from .request_log import RequestLog, RequestRecord
from .run_control import RunControlState
from .scheduler import Scheduler
from .settings import Settings
from .shares import ShareRegistry


@dataclass
class Fault:
    """An error to answer instead of running an operation, ``remaining`` more times."""

    operation: str
    error_code: str
    message: str
    remaining: int


class Environment:
    """The state behind one active mock."""

    def __init__(self, backend_class: type[OmicsBackend] | None = None) -> None:
        if backend_class is None:
            from . import default_backend_class

            backend_class = default_backend_class()
        self.backend_class = backend_class
        self.clock = VirtualClock()
        self.settings = Settings()
        self.backends = BackendRegistry(self)
        self.requests = RequestLog(self._request_log_size)
        self.faults: dict[str, list[Fault]] = {}
        self.access_keys: dict[str, str] = {}
        self.artifacts = ArtifactStore()
        self.s3_objects: dict[tuple[str, str], tuple[bytes, str]] = {}
        self.ready2run_entries: list[Any] = list(DEFAULT_ENTRIES)
        self.run_control = RunControlState(self.settings)
        self.shares = ShareRegistry()
        self._shared_events = Scheduler()
        self._lock = threading.Lock()

    # -- accounts ----------------------------------------------------------------

    def account_for(self, access_key: str | None) -> str:
        """The account a request acts as.

        A mapped access key (``mock.accounts.map``) gives its account; an access
        key of exactly 12 digits *is* the account; anything else (or an unsigned
        request) acts as the default account.
        """
        if access_key:
            mapped = self.access_keys.get(access_key)
            if mapped is not None:
                return mapped
            if len(access_key) == 12 and access_key.isdigit():
                return access_key
        return self.settings.default_account_id

    def backend(self, account_id: str | None = None, region: str = "us-east-1") -> OmicsBackend:
        return self.backends.get(account_id or self.settings.default_account_id, region)

    def simulation_failures(self) -> list[tuple[_dt.datetime, Exception]]:
        """Simulated events that raised (bugs in the mock), across all backends."""
        failures = list(self._shared_events.failures)
        for backend in self.backends.existing():
            failures.extend(backend.scheduler.failures)
        return sorted(failures, key=lambda failure: failure[0])

    def operation_names(self) -> frozenset[str]:
        return frozenset(service_spec().operations)

    def add_ready2run(self, entry: Any) -> None:
        """Publish a READY2RUN entry in every backend, existing and future."""
        self.ready2run_entries.append(entry)
        for backend in self.backends.existing():
            with backend.lock:
                backend.workflows.catalogue.add(entry)
                backend.ids.reserve(entry.id)

    # -- cross-account resources ------------------------------------------------------

    def shared_workflow(self, caller: OmicsBackend, owner_id: str, workflow_id: str) -> Any:
        """A workflow of another account with an ACTIVE share to the caller."""
        grant = self.shares.active_grant(owner_id, caller.account_id, caller.region, workflow_id)
        if grant is None:
            raise not_found("Workflow", workflow_id)
        owner = self.backends.get(owner_id, caller.region)
        # Never wait for the owner's lock while holding the caller's: two accounts
        # sharing with each other could deadlock. Catch up only if it is free.
        if owner.lock.acquire(blocking=False):
            try:
                owner.catch_up()
            finally:
                owner.lock.release()
        return owner.workflows.get_private(workflow_id)

    def active_shares_of(self, resource_arn: str) -> list[Any]:
        """Shares of a resource that are not deleted."""
        return self.shares.live_for(resource_arn)

    def schedule_shared(self, due: _dt.datetime, action: Any) -> None:
        """An event on state shared by accounts (shares), processed before any request."""
        with self._lock:
            self._shared_events.schedule(due, action)

    # -- requests ----------------------------------------------------------------

    def invoke(self, spec: OperationSpec, params: dict[str, Any], context: RequestContext) -> Any:
        """Run one validated request and record it with its answer."""
        account = self.account_for(context.access_key)
        error_code: str | None = None
        status = spec.success_status
        try:
            if self.faults:
                self._apply_fault(spec.name)
            if self._shared_events.next_due() is not None:
                with self._lock:
                    self._shared_events.run_due(self.clock.now())
            backend = self.backends.get(account, context.region)
            return backend.call(spec.name, params)
        except ServiceError as error:
            error_code, status = error.code, service_spec().status_of(spec, error.code)
            raise
        except Exception:  # a bug in the mock: the protocol answers 500
            error_code, status = InternalServerException.code, 500
            raise
        finally:
            context.logged = self._log(
                spec.name, params, account, context.region, error_code, status
            )

    def record(
        self,
        operation: str,
        params: dict[str, Any],
        context: RequestContext,
        error_code: str | None,
        status: int,
    ) -> None:
        """Record a request answered without ``invoke`` (refused, unroutable, failed)."""
        account = self.account_for(context.access_key)
        context.logged = self._log(operation, params, account, context.region, error_code, status)

    def _log(
        self,
        operation: str,
        params: dict[str, Any],
        account: str,
        region: str,
        error_code: str | None,
        status: int,
    ) -> RequestRecord | None:
        if not self.requests.keeping:
            self.requests.count_dropped()
            return None
        record = RequestRecord(
            self.clock.now(), operation, account, region, params, error_code, status
        )
        self.requests.append(record)
        return record

    def _request_log_size(self) -> int:
        return self.settings.request_log_size

    def _apply_fault(self, operation: str) -> None:
        with self._lock:
            queue = self.faults.get(operation)
            if not queue:
                return
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.pop(0)
                if not queue:
                    del self.faults[operation]
        raise ERRORS_BY_CODE.get(fault.error_code, ServiceError)(fault.message)
