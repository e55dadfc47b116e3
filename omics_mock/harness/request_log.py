"""The request log: every request a mock answered, the latest ``N`` kept.

``mock.requests`` is a ``RequestLog``: a read-only sequence of ``RequestRecord``
(oldest first) that keeps the latest ``settings.request_log_size`` records
(10,000 unless changed; 0 keeps none). Appending and reading are safe from any
thread; iterating goes over a snapshot, so other threads may keep appending.
"""

from __future__ import annotations

import collections
import datetime as _dt
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload


@dataclass(slots=True)
class RequestRecord:
    """One request the mock answered.

    ``operation`` is ``""`` for a request no operation matched (its ``params``
    then hold ``method`` and ``path``); ``error_code`` is ``None`` for a success;
    ``status`` is the HTTP status of the answer.
    """

    time: _dt.datetime
    operation: str
    account_id: str
    region: str
    params: dict[str, Any]
    error_code: str | None
    status: int = 200

    @property
    def succeeded(self) -> bool:
        return self.error_code is None


class RequestLog(Sequence[RequestRecord]):
    """The latest requests answered, oldest first; ``size()`` says how many to keep."""

    def __init__(self, size: Callable[[], int]) -> None:
        self._size = size
        self._records: collections.deque[RequestRecord] = collections.deque(maxlen=size())
        self._lock = threading.Lock()
        self._total = 0

    @property
    def keeping(self) -> bool:
        """Whether new records are kept (the size is not 0)."""
        return self._size() > 0

    @property
    def total(self) -> int:
        """Requests recorded since the mock started or the log was cleared, kept or not."""
        return self._total

    def append(self, record: RequestRecord) -> None:
        """Add a record, dropping the oldest beyond the size."""
        with self._lock:
            size = self._size()
            if size != self._records.maxlen:
                self._records = collections.deque(self._records, maxlen=size)
            self._records.append(record)
            self._total += 1

    def count_dropped(self) -> None:
        """Count a request that was not recorded (the size is 0)."""
        with self._lock:
            self._total += 1

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._total = 0

    def snapshot(self) -> list[RequestRecord]:
        """The records kept now, oldest first."""
        with self._lock:
            return list(self._records)

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, index: int) -> RequestRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[RequestRecord]: ...

    def __getitem__(self, index: int | slice) -> RequestRecord | list[RequestRecord]:
        if isinstance(index, slice):
            return self.snapshot()[index]
        with self._lock:
            return self._records[index]

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.snapshot())

    def __repr__(self) -> str:
        return f"RequestLog({len(self)} of the latest {self._size()} kept, {self._total} in all)"
