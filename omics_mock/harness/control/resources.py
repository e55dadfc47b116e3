"""Control API pieces: faults, accounts, S3 objects without moto, READY2RUN."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...service.outside.s3 import MemoryS3, split_uri
from ...service.workflows.model import Workflow
from ...service.workflows.ops import Workflows, publish_ready2run
from ...service.workflows.ready2run import Ready2RunEntry
from ...wire.errors import ERRORS_BY_CODE
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
        if not isinstance(error, str) or error not in ERRORS_BY_CODE:
            raise ValueError(
                f"{error!r} is not a HealthOmics exception; use one of {sorted(ERRORS_BY_CODE)}"
            )
        if isinstance(times, bool) or not isinstance(times, int):
            raise TypeError(f"times is a whole number, not {times!r}")
        if times < 1:
            raise ValueError("times must be at least 1")
        if not isinstance(operation, str) or operation not in service_spec().operations:
            raise ValueError(f"{operation!r} is not a HealthOmics operation")
        if message is not None and not isinstance(message, str):
            raise TypeError(f"message is text, not {message!r}")
        text = message or f"Injected {error} for {operation} by omics-mock."
        self._door.faults.add(Fault(operation, error, text, times))

    def clear(self) -> None:
        self._door.faults.clear()

    def pending(self) -> list[Fault]:
        return self._door.faults.pending()


class AccountsControl(_Part):
    """Which account each access key acts as (see ``docs/accounts.md``)."""

    def map(self, access_key_id: str, account_id: str) -> None:
        if not isinstance(access_key_id, str) or not access_key_id:
            raise TypeError(f"access_key_id is non-empty text, not {access_key_id!r}")
        if not (isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()):
            raise ValueError(f"account_id must be 12 digits, not {account_id!r}")
        self._door.accounts.map(access_key_id, account_id)

    @property
    def default(self) -> str:
        return self._door.state.settings.default_account_id


class S3Objects(_Part):
    """Objects that S3 URIs in requests resolve to, when moto is not in use."""

    def put_object(self, uri: str, data: bytes | str, etag: str | None = None) -> str:
        """Register ``data`` at ``s3://bucket/key``; returns its ETag."""
        bucket, key = _split(uri)
        if isinstance(data, str):
            raw = data.encode("utf-8")
        elif isinstance(data, (bytes, bytearray, memoryview)):
            raw = bytes(data)
        else:
            raise TypeError(f"data is bytes or text, not {type(data).__name__}")
        if etag is not None and not isinstance(etag, str):
            raise TypeError(f"etag is text, not {etag!r}")
        tag = etag or hashlib.md5(raw).hexdigest()
        self._door.state.shared(MemoryS3).put(bucket, key, raw, tag)
        return tag

    def delete_object(self, uri: str) -> None:
        bucket, key = _split(uri)
        self._door.state.shared(MemoryS3).delete(bucket, key)


def _split(uri: object) -> tuple[str, str]:
    if not isinstance(uri, str):
        raise TypeError(f"uri is an s3://bucket/key text, not {uri!r}")
    try:
        return split_uri(uri, "uri")
    except Exception as error:
        raise ValueError(f"{uri!r} is not an S3 object URI (s3://bucket/key)") from error


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
        if not (isinstance(workflow_id, str) and workflow_id.isdigit()):
            raise ValueError(f"workflow_id is a numeric ID such as '9500764', not {workflow_id!r}")
        entry = Ready2RunEntry(
            workflow_id,
            name,
            description or name,
            engine,
            tuple(required),
            tuple(optional),
            tuple(versions),
        )
        publish_ready2run(self._door.state, entry)

    def list(self, region: str = "us-east-1") -> list[Workflow]:
        backend = self._door.state.backend(None, region)
        return backend.get(Workflows).catalogue.workflows()
