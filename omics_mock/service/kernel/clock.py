"""Virtual time: the wall clock (so freezegun moves it) plus an offset.

Tests move time forward with ``advance``; botocore waiters and retry back-offs
do the same through ``sleep`` while a mock is active. Nothing here sleeps for
real or runs in a thread.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable


class VirtualClock:
    """Reads ``datetime.now(timezone.utc)`` at call time, plus an offset."""

    def __init__(self) -> None:
        self._offset = _dt.timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> _dt.datetime:
        """The current virtual time (timezone-aware, UTC)."""
        # Looked up on the module each call, so freezegun's patch is honoured.
        current = _dt.datetime.now(_dt.timezone.utc)
        if current.tzinfo is None:  # some time-freezing tools return naive values
            current = current.replace(tzinfo=_dt.timezone.utc)
        return current + self._offset

    @property
    def offset(self) -> _dt.timedelta:
        """How far virtual time is ahead of the wall clock."""
        return self._offset

    def advance(
        self,
        delta: _dt.timedelta | float | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> _dt.datetime:
        """Move virtual time forward; returns the new now.

        ``delta`` may be a ``timedelta`` or a number of seconds.
        """
        step = _dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if isinstance(delta, _dt.timedelta):
            step += delta
        elif delta is not None:
            step += _dt.timedelta(seconds=float(delta))
        if step < _dt.timedelta(0):
            raise ValueError("virtual time only moves forward")
        with self._lock:
            self._offset += step
        return self.now()

    def sleep(self, seconds: float) -> None:
        """A ``time.sleep`` that moves virtual time instead of waiting."""
        if seconds > 0:
            self.advance(seconds)

    def advance_until(
        self,
        condition: Callable[[], object],
        *,
        step: _dt.timedelta | float = 30,
        limit: _dt.timedelta | float = _dt.timedelta(days=1),
    ) -> _dt.timedelta:
        """Advance by ``step`` (seconds or a timedelta) until ``condition()`` is true.

        ``condition`` is checked first, so a condition already true costs nothing.
        Returns the virtual time it took; raises ``TimeoutError`` when ``condition``
        is still false after ``limit`` (a day by default). For what botocore has no
        waiter for: ``m.clock.advance_until(lambda: batch_status() == "PROCESSED")``.
        """
        step = step if isinstance(step, _dt.timedelta) else _dt.timedelta(seconds=step)
        limit = limit if isinstance(limit, _dt.timedelta) else _dt.timedelta(seconds=limit)
        if step <= _dt.timedelta(0):
            raise ValueError("step must be a positive duration")
        waited = _dt.timedelta(0)
        while not condition():
            if waited >= limit:
                raise TimeoutError(f"the condition is still false after {limit} of virtual time")
            self.advance(step)
            waited += step
        return waited
