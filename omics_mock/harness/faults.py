"""Injected errors: answer an operation with a modelled exception N times."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..wire.errors import ERRORS_BY_CODE, ServiceError


@dataclass
class Fault:
    """An error to answer instead of running an operation, ``remaining`` more times."""

    operation: str
    error_code: str
    message: str
    remaining: int


class FaultQueue:
    """Pending faults per operation, used up in order."""

    def __init__(self) -> None:
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._faults)

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.setdefault(fault.operation, []).append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return [fault for queue in self._faults.values() for fault in queue]

    def raise_if_due(self, operation: str) -> None:
        """Raise the next fault injected for ``operation``, if any, using one up."""
        with self._lock:
            queue = self._faults.get(operation)
            if not queue:
                return
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.pop(0)
                if not queue:
                    del self._faults[operation]
        raise ERRORS_BY_CODE.get(fault.error_code, ServiceError)(fault.message)
