"""Snapshots of a whole mock: the service's state and what its door holds.

A snapshot is the service's document (``service.snapshot``) with a ``harness``
part: which account each access key acts as, and the faults still to answer.
The request log is left out (it records what happened, it does not decide what
happens). Files are written atomically: to a temporary file next to the target,
flushed to disk, then renamed over it, so a crash leaves the previous file whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, Union

from ..service.snapshot import SnapshotError, read_state, write_state
from ..wire.errors import ERRORS_BY_CODE
from ..wire.model import service_spec
from .door import Door
from .faults import Fault

Source = Union[Mapping[str, Any], str, "os.PathLike[str]"]
"""A snapshot: the data itself, or the path of a JSON file holding it."""


def take(door: Door) -> dict[str, Any]:
    """The mock's whole state as plain, JSON-serialisable data."""
    document = write_state(door.state)
    document["harness"] = {
        "access_keys": dict(door.accounts.by_access_key),
        "faults": [
            {
                "operation": fault.operation,
                "error": fault.error_code,
                "message": fault.message,
                "remaining": fault.remaining,
            }
            for fault in door.faults.pending()
        ],
    }
    return document


def restore(door: Door, source: Source) -> None:
    """Replace the mock's state with a snapshot's; ``SnapshotError`` (nothing changed) if
    the snapshot cannot be restored."""
    document = load(source)
    access_keys, faults = _harness(document.get("harness", {}))

    def harness_parts() -> None:
        door.accounts.by_access_key = access_keys
        door.faults.clear()
        for fault in faults:
            door.faults.add(fault)

    read_state(door.state, document, also=harness_parts)


def load(source: Source) -> dict[str, Any]:
    """The snapshot data of ``source`` (read and parsed when it is a path)."""
    if isinstance(source, Mapping):
        return dict(source)
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"a snapshot is its data or a file path, not {type(source).__name__}")
    path = Path(source)
    try:
        text = path.read_bytes()
    except OSError as error:
        raise SnapshotError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        document = json.loads(text)
    except ValueError as error:
        raise SnapshotError(f"{path} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise SnapshotError(f"{path} holds {type(document).__name__}, not a snapshot object")
    return document


def dumps(document: Mapping[str, Any]) -> bytes:
    """A snapshot as compact JSON bytes."""
    text = json.dumps(document, allow_nan=False, check_circular=False, separators=(",", ":"))
    return text.encode("utf-8")


def save(door: Door, path: str | os.PathLike[str]) -> Path:
    """Write the mock's snapshot to ``path`` atomically; returns the path."""
    target = Path(path)
    with atomic_file(target) as out:
        out.write(dumps(take(door)))
    return target


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``target``, made first, renamed over ``target`` once written
    and flushed to disk: a crash at any moment leaves ``target`` as it was (and at worst
    the temporary file, ``.<name>.<random>.tmp``, behind)."""
    directory = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def leftovers(target: Path) -> list[Path]:
    """Temporary files an interrupted save of ``target`` left behind."""
    directory = target.parent if str(target.parent) else Path(".")
    return sorted(directory.glob(f".{target.name}.*.tmp"))


def _harness(part: Any) -> tuple[dict[str, str], list[Fault]]:
    """The harness part, checked: access key -> account, and faults."""
    if not isinstance(part, dict):
        raise SnapshotError("harness must be an object", "harness")
    keys = part.get("access_keys", {})
    if not isinstance(keys, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) and len(v) == 12 and v.isdigit()
        for k, v in keys.items()
    ):
        raise SnapshotError("access_keys maps access keys to 12-digit accounts", "harness")
    faults = []
    for n, item in enumerate(part.get("faults", [])):
        where = f"harness/faults/{n}"
        if not isinstance(item, dict) or set(item) != {
            "operation",
            "error",
            "message",
            "remaining",
        }:
            raise SnapshotError("a fault has operation, error, message, remaining", where)
        if item["error"] not in ERRORS_BY_CODE:
            raise SnapshotError(f"{item['error']!r} is not a HealthOmics error", where)
        remaining = item["remaining"]
        if not isinstance(remaining, int) or isinstance(remaining, bool) or remaining < 1:
            raise SnapshotError("remaining must be a whole number, 1 or more", where)
        operation = item["operation"]
        if not isinstance(operation, str) or operation not in service_spec().operations:
            raise SnapshotError(f"{item['operation']!r} is not a HealthOmics operation", where)
        if not isinstance(item["message"], str):
            raise SnapshotError("a fault's message is text", where)
        faults.append(Fault(item["operation"], item["error"], item["message"], remaining))
    return dict(keys), faults
