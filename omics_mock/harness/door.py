"""Where every request enters a mock, in process or over HTTP.

The door resolves who is calling (the account from the access key), applies
injected faults, hands the request to the service (``ServiceState``) and
records the answer in the request log. It owns the ``Pipeline`` both the
in-process interception and the server use, so they answer alike.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ..service.kernel.state import ServiceState
from ..service.outside import pricing
from ..service.outside.artifacts import ArtifactStore
from ..wire.model import OperationSpec
from ..wire.pipeline import Pipeline, RequestContext
from .faults import FaultQueue
from .request_log import RequestLog, RequestRecord

_inside = threading.local()
"""How deep the current thread is in answering an omics request."""


class Accounts:
    """Which account each access key acts as (see ``docs/accounts.md``)."""

    def __init__(self) -> None:
        self.by_access_key: dict[str, str] = {}
        self._lock = threading.Lock()

    def map(self, access_key_id: str, account_id: str) -> None:
        with self._lock:
            self.by_access_key[access_key_id] = account_id

    def account_for(self, access_key: str | None, default: str) -> str:
        """The account a request acts as.

        A mapped access key gives its account; an access key of exactly 12
        digits *is* the account; anything else (or an unsigned request) acts
        as the default account.
        """
        if access_key:
            mapped = self.by_access_key.get(access_key)
            if mapped is not None:
                return mapped
            if len(access_key) == 12 and access_key.isdigit():
                return access_key
        return default


class Door:
    """The state behind one mock or server, and the way requests reach it."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state
        self.accounts = Accounts()
        self.faults = FaultQueue()
        self.log = RequestLog(self._log_size)
        self.pipeline = Pipeline(self.invoke, self.record)

    def invoke(self, spec: OperationSpec, params: dict[str, Any], context: RequestContext) -> Any:
        """Run one validated request against the caller's backend."""
        state = self.state
        if self.faults:
            self.faults.raise_if_due(spec.name)
        state.catch_up_shared()
        account = self.accounts.account_for(context.access_key, state.settings.default_account_id)
        _inside.depth = getattr(_inside, "depth", 0) + 1
        try:
            return state.backend(account, context.region).call(spec, params)
        finally:
            _inside.depth -= 1

    def before_other_request(self) -> None:
        """A request to another AWS service (moto, in this process) is about to be answered:
        what runs wrote by now (outputs, logs, events) is written first. Requests the
        service itself makes (reading a definition, or while writing) change nothing."""
        if getattr(_inside, "depth", 0):
            return
        _inside.depth = 1
        try:
            self.state.catch_up_all()
        finally:
            _inside.depth = 0

    def before_stop(self) -> None:
        """The mock is stopping while moto may still be read: moto gets what runs wrote
        by now (without moto, nothing is owed and nothing is simulated)."""
        from ..service.outside.s3 import moto_is_active

        if moto_is_active():
            self.before_other_request()

    def record(
        self,
        operation: str,
        context: RequestContext,
        params: dict[str, Any],
        error_code: str | None,
        status: int,
    ) -> None:
        """Log an answered request (the pipeline calls this for every answer)."""
        if not self.log.keeping:
            self.log.count_dropped()
            return
        account = self.accounts.account_for(
            context.access_key, self.state.settings.default_account_id
        )
        payload = params.get("payload")
        if isinstance(payload, (bytes, bytearray, memoryview)):  # the log does not keep bytes
            params = {**params, "payload": f"<{len(payload)} bytes>"}
        self.log.append(
            RequestRecord(
                self.state.clock.now(),
                operation,
                account,
                context.region,
                params,
                error_code,
                status,
            )
        )

    def _log_size(self) -> int:
        return self.state.settings.request_log_size

    def answer_pricing(self, operation: str, body: bytes | None) -> tuple[int, bytes]:
        """Status and JSON body for a Price List API request (``pricing``: AmazonOmics only)."""
        settings = self.state.settings.artifacts
        try:
            if not settings.answer_pricing:
                raise pricing.PricingError(
                    "AccessDeniedException", "omics-mock's pricing answers are switched off."
                )
            request = json.loads(body or b"{}")
            output = pricing.answer(operation, request, dict(settings.prices))
        except pricing.PricingError as error:
            return 400, json.dumps({"__type": error.code, "Message": error.message}).encode()
        except ValueError:
            problem = {"__type": "InvalidParameterException", "Message": "Malformed JSON."}
            return 400, json.dumps(problem).encode()
        return 200, json.dumps(output).encode()

    def sleep(self, seconds: float) -> None:
        """botocore's waiter and retry sleeps: move virtual time instead."""
        self.state.clock.sleep(seconds)

    def download(self, url: str) -> bytes | None:
        """The bytes behind one of the mock's download links (exported definitions)."""
        return self.state.shared(ArtifactStore).fetch(url)
