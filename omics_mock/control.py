"""The control API: what tests can do that the AWS API cannot.

Reached from the mock object (``with mock_omics() as m``), or from the
``omics_mock`` fixture of the pytest plugin:

* ``m.clock``: virtual time (``advance``, ``now``);
* ``m.settings``: phase durations and quotas (``m.settings.quotas.max_workflows = 5``);
* ``m.faults``: answer an operation with an error N times;
* ``m.requests``: the log of requests answered;
* ``m.accounts``: map access keys to accounts;
* ``m.s3``: objects that S3 URIs in requests can point at, without moto;
* ``m.ready2run``: the READY2RUN catalogue;
* ``m.backend(account, region)``: the raw state, for inspection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .backend.clock import VirtualClock
from .backend.environment import Fault, RequestRecord
from .backend.ready2run import Ready2RunEntry
from .backend.settings import Settings
from .protocol.errors import ERRORS_BY_CODE

if TYPE_CHECKING:
    from .backend.base import OmicsBackend
    from .backend.environment import Environment
    from .backend.workflow_model import Workflow


class Faults:
    """Injected errors: ``inject("StartRun", "ThrottlingException", times=2)``."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def inject(
        self,
        operation: str,
        error: str = "InternalServerException",
        *,
        times: int = 1,
        message: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``operation`` with ``error``.

        ``error`` is a modelled exception name, e.g. ``ThrottlingException``,
        ``InternalServerException``, ``RequestTimeoutException``. Remember that
        botocore retries throttling and 5xx errors (its back-off sleeps are
        virtual while the mock is active).
        """
        if error not in ERRORS_BY_CODE:
            raise ValueError(f"{error} is not a HealthOmics exception; use one of {sorted(ERRORS_BY_CODE)}")
        if times < 1:
            raise ValueError("times must be at least 1")
        environment = self._control.environment
        if operation not in environment.operation_names():
            raise ValueError(f"{operation} is not a HealthOmics operation")
        text = message or f"Injected {error} for {operation} by omics-mock."
        environment.faults.setdefault(operation, []).append(Fault(operation, error, text, times))

    def clear(self) -> None:
        self._control.environment.faults.clear()

    def pending(self) -> list[Fault]:
        return [fault for queue in self._control.environment.faults.values() for fault in queue]


class Accounts:
    """Which account each access key acts as (see ``docs/accounts.md``)."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def map(self, access_key_id: str, account_id: str) -> None:
        if not (len(account_id) == 12 and account_id.isdigit()):
            raise ValueError("account_id must be 12 digits")
        self._control.environment.access_keys[access_key_id] = account_id

    @property
    def default(self) -> str:
        return self._control.environment.settings.default_account_id


class S3Objects:
    """Objects that S3 URIs in requests resolve to, when moto is not in use."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def put_object(self, uri: str, data: bytes | str, etag: str | None = None) -> str:
        """Register ``data`` at ``s3://bucket/key``; returns its ETag."""
        import hashlib

        from .backend.s3 import split_uri

        bucket, key = split_uri(uri, "uri")
        raw = data.encode("utf-8") if isinstance(data, str) else data
        tag = etag or hashlib.md5(raw).hexdigest()
        self._control.environment.s3_objects[(bucket, key)] = (raw, tag)
        return tag

    def delete_object(self, uri: str) -> None:
        from .backend.s3 import split_uri

        self._control.environment.s3_objects.pop(split_uri(uri, "uri"), None)


class Ready2RunControl:
    """The READY2RUN catalogue every account sees."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def add(
        self,
        workflow_id: str,
        name: str,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        engine: str = "WDL",
        description: str = "",
        versions: tuple[str, ...] = (),
    ) -> None:
        """Publish a READY2RUN workflow in every account and Region of this mock."""
        entry = Ready2RunEntry(workflow_id, name, description or name, engine, required, optional, versions)
        self._control.environment.add_ready2run(entry)

    def list(self, region: str = "us-east-1") -> list[Workflow]:
        return self._control.backend(region=region).workflows.catalogue.workflows()


class Control:
    """Everything a test can reach on a mock besides the AWS API."""

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self.faults = Faults(self)
        self.accounts = Accounts(self)
        self.s3 = S3Objects(self)
        self.ready2run = Ready2RunControl(self)

    @property
    def clock(self) -> VirtualClock:
        return self.environment.clock

    @property
    def settings(self) -> Settings:
        return self.environment.settings

    @property
    def requests(self) -> list[RequestRecord]:
        return self.environment.requests

    def backend(self, account_id: str | None = None, region: str = "us-east-1") -> OmicsBackend:
        """The backend of one account and Region (created if new), caught up to now."""
        backend = self.environment.backend(account_id, region)
        with backend.lock:
            backend.catch_up()
        return backend

    def calls(self, operation: str) -> list[RequestRecord]:
        """The logged requests of one operation."""
        return [r for r in self.environment.requests if r.operation == operation]

    def describe(self) -> dict[str, Any]:
        """A small summary of the state, for debugging."""
        return {
            "accounts": sorted({b.account_id for b in self.environment.backends.existing()}),
            "requests": len(self.environment.requests),
            "virtual_offset_seconds": self.clock.offset.total_seconds(),
        }
