"""The log of requests a mock answered: the most recent ones, every outcome.

Every answered request is recorded, whatever its outcome: successes, modelled
errors (validation included) and the mock's own 500s, with the error code and
the HTTP status. The log keeps the most recent ``settings.request_log_size``
records (10,000 by default; 0 keeps none), so a long simulation stays flat.
A request's binary ``payload`` (UploadReadSetPart's part) is recorded as its
size, ``"<N bytes>"``: the log never keeps uploaded bytes alive.
"""

from __future__ import annotations

import collections
import datetime as _dt
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class RequestRecord:
    """One request the mock answered."""

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


class RequestLog:
    """The most recent records, thread-safe."""

    def __init__(self, size: int) -> None:
        self._records: collections.deque[RequestRecord] = collections.deque(maxlen=size)
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._records.maxlen or 0

    def resize(self, size: int) -> None:
        """Keep at most ``size`` records from now on (the newest are kept)."""
        with self._lock:
            if size != self.size:
                self._records = collections.deque(self._records, maxlen=size)

    def append(self, record: RequestRecord) -> None:
        self._records.append(record)  # deque.append is atomic

    def records(self) -> list[RequestRecord]:
        """A snapshot, oldest first."""
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        return len(self._records)
