"""Control API pieces: faults, accounts, S3 objects without moto, READY2RUN."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...service.kernel import checks
from ...service.outside.s3 import MemoryS3, split_uri
from ...service.workflows.model import Workflow
from ...service.workflows.ops import Workflows, publish_ready2run
from ...service.workflows.ready2run import Ready2RunEntry
from ...wire.errors import ERRORS_BY_CODE, ServiceError
from ...wire.model import service_spec
from ..faults import Fault

if TYPE_CHECKING:
    from ..door import Door


class _Part:
    """A part of the control API; reads the mock's door when called (it changes on start)."""

    def __init__(self, door: Callable[[], Door]) -> None:
        self._current = door

    @property
    def _door(self) -> Door:
        return self._current()


class Faults(_Part):
    """Injected errors: ``inject("StartRun", "ThrottlingException", times=2)``."""

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
        checks.text("operation", operation)
        checks.text("error", error)
        if error not in ERRORS_BY_CODE:
            raise ValueError(
                f"{error} is not a HealthOmics exception; use one of {sorted(ERRORS_BY_CODE)}"
            )
        checks.at_least(1)("times", checks.whole("times", times))
        if operation not in service_spec().operations:
            raise ValueError(f"{operation} is not a HealthOmics operation")
        text = checks.optional_text("message", message)
        text = text or f"Injected {error} for {operation} by omics-mock."
        self._door.faults.add(Fault(operation, error, text, times))

    def clear(self) -> None:
        self._door.faults.clear()

    def pending(self) -> list[Fault]:
        return self._door.faults.pending()


class AccountsControl(_Part):
    """Which account each access key acts as (see ``docs/accounts.md``)."""

    def map(self, access_key_id: str, account_id: str) -> None:
        """Requests signed with ``access_key_id`` act as ``account_id`` (12 digits)."""
        checks.text("access_key_id", access_key_id)
        checks.account_id("account_id", account_id)
        self._door.accounts.map(access_key_id, account_id)

    @property
    def default(self) -> str:
        return self._door.state.settings.default_account_id


class S3Objects(_Part):
    """Objects that S3 URIs in requests resolve to, when moto is not in use."""

    def put_object(self, uri: str, data: bytes | str, etag: str | None = None) -> str:
        """Register ``data`` at ``s3://bucket/key``; returns its ETag."""
        bucket, key = _split(uri)
        raw = _object_bytes(data)
        tag = checks.optional_text("etag", etag) or hashlib.md5(raw).hexdigest()
        self._door.state.shared(MemoryS3).put(bucket, key, raw, tag)
        return tag

    def delete_object(self, uri: str) -> None:
        bucket, key = _split(uri)
        self._door.state.shared(MemoryS3).delete(bucket, key)


def _split(uri: object) -> tuple[str, str]:
    """``(bucket, key)`` of an ``s3://bucket/key`` URI, else ``ValueError``."""
    try:
        return split_uri(checks.text("uri", uri), "uri")
    except ServiceError as error:
        raise ValueError(error.message) from None


def _object_bytes(data: object) -> bytes:
    """The object's content: bytes as given, text as UTF-8."""
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(f"data is text that UTF-8 cannot encode: {error}") from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"data must be bytes or str, not {type(data).__name__}")


ENGINES = ("WDL", "WDL_LENIENT", "NEXTFLOW", "CWL")
_WORKFLOW_ID = checks.model_text("WorkflowId")
_WORKFLOW_NAME = checks.model_text("WorkflowName")
_DESCRIPTION = checks.model_text("WorkflowDescription")
_VERSION_NAME = checks.model_text("WorkflowVersionName")


class Ready2RunControl(_Part):
    """The READY2RUN catalogue every account sees."""

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
        entry = Ready2RunEntry(
            _WORKFLOW_ID("workflow_id", workflow_id),
            _WORKFLOW_NAME("name", name),
            _DESCRIPTION("description", description) if description else name,
            checks.one_of(*ENGINES)("engine", engine),
            checks.texts("required", required),
            checks.texts("optional", optional),
            tuple(_VERSION_NAME("versions", v) for v in checks.texts("versions", versions)),
        )
        publish_ready2run(self._door.state, entry)

    def list(self, region: str = "us-east-1") -> list[Workflow]:
        backend = self._door.state.backend(None, region)
        return backend.get(Workflows).catalogue.workflows()
