"""Virtual time: the wall clock (so freezegun moves it) plus an offset, optionally scaled.

Tests move time forward with ``advance``; botocore waiters and retry back-offs
do the same through ``sleep`` while a mock is active. Nothing here sleeps for
real or runs in a thread.

An advance that would take virtual time past ``LATEST`` is refused and changes
nothing: ``datetime`` ends at year 9999, and simulated durations (each at most
``MAX_DURATION``, see ``settings``) still have to fit after the current time.

A time scale (server mode's ``--time-scale``) makes virtual time run ``scale``
times as fast as the wall clock from the moment it is set: at 600, ten virtual
minutes pass each real second. Scaled time is measured on ``time.monotonic``
(which freezegun freezes too), so it never goes back when the wall clock is
set back. At the default scale of 1 the clock is exactly the wall clock plus
the offset.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import threading
import time as _time
from collections.abc import Callable

LATEST = _dt.datetime(5000, 1, 1, tzinfo=_dt.timezone.utc)
"""The latest virtual time ``advance`` may reach."""
HORIZON = _dt.timedelta(days=365_000)
"""How far virtual time may run ahead of the wall clock (1,000 years), so that it and
the events scheduled after it stay far inside ``datetime``'s range (year 9999). A time
scale stops at it; ``advance`` beyond it is refused by the HTTP control API."""
MAX_SCALE = 1_000_000.0
"""The fastest time scale: 11.6 virtual days per real second."""

_ZERO = _dt.timedelta(0)
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def _wall() -> _dt.datetime:
    """The wall clock, looked up on the module each call so freezegun's patch is honoured."""
    current = _dt.datetime.now(_dt.timezone.utc)
    if current.tzinfo is None:  # some time-freezing tools return naive values
        current = current.replace(tzinfo=_dt.timezone.utc)
    return current


class VirtualClock:
    """Reads ``datetime.now(timezone.utc)`` at call time, plus an offset (and a scale)."""

    def __init__(self) -> None:
        # (offset, scale, anchor, since). At scale 1: the wall clock plus ``offset``.
        # Otherwise: ``anchor`` (the virtual time when the scale was set, plus any advance)
        # plus ``scale`` times the monotonic seconds since ``since``. Replaced whole, so a
        # reader in another thread never sees half of a change.
        self._state: tuple[_dt.timedelta, float, _dt.datetime, float] = (_ZERO, 1.0, _EPOCH, 0.0)
        self._lock = threading.Lock()

    def now(self) -> _dt.datetime:
        """The current virtual time (timezone-aware, UTC)."""
        offset, scale, anchor, since = self._state
        if scale == 1.0:
            return _wall() + offset
        return self._scaled(anchor, since, scale)

    @staticmethod
    def _scaled(anchor: _dt.datetime, since: float, scale: float) -> _dt.datetime:
        """Scaled time: ``anchor`` plus ``scale`` times the time since, at most ``HORIZON``
        ahead of the wall clock."""
        limit = _wall() + HORIZON
        extra = max(_time.monotonic() - since, 0.0) * scale
        if extra >= HORIZON.total_seconds() * 2:
            return limit
        return min(anchor + _dt.timedelta(seconds=extra), limit)

    @property
    def offset(self) -> _dt.timedelta:
        """How far virtual time is ahead of the wall clock (negative below scale 1)."""
        offset, scale, anchor, since = self._state
        if scale == 1.0:
            return offset
        return self._scaled(anchor, since, scale) - _wall()

    @property
    def scale(self) -> float:
        """Virtual seconds per real second: 1 by default, 0 stands still (see the module)."""
        return self._state[1]

    @scale.setter
    def scale(self, value: float) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not 0 <= value <= MAX_SCALE
        ):
            raise ValueError(f"the time scale is a number from 0 to {MAX_SCALE:g}, not {value!r}")
        with self._lock:
            if value == self._state[1]:
                return
            current = self.now()
            if value == 1:
                self._state = (current - _wall(), 1.0, _EPOCH, 0.0)
            else:
                self._state = (_ZERO, float(value), current, _time.monotonic())

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

        ``delta`` may be a ``timedelta`` or a number of seconds. Raises
        ``TypeError`` for values that are not numbers and ``ValueError`` for a
        backward, infinite, NaN or too large step; a refused step changes nothing.
        """
        step = _step(delta, days=days, hours=hours, minutes=minutes, seconds=seconds)
        if step < _ZERO:
            raise ValueError(f"virtual time only moves forward; the step is {step}")
        with self._lock:
            room = LATEST - self.now()
            if step > _ZERO and step > room:
                raise ValueError(
                    f"advancing by {step} would take virtual time past {LATEST:%Y-%m-%d}, "
                    f"the latest it can reach (at most {max(room, _ZERO)} more); "
                    "virtual time is unchanged"
                )
            offset, scale, anchor, since = self._state
            if scale == 1.0:
                self._state = (offset + step, scale, anchor, since)
            else:
                self._state = (offset, scale, anchor + step, since)
        return self.now()

    def set_now(self, instant: _dt.datetime) -> None:
        """Make ``instant`` the current virtual time (restoring a snapshot; it may be
        earlier than now). ``ValueError`` for a naive time or one past ``LATEST``."""
        if instant.tzinfo is None:
            raise ValueError(f"virtual time is timezone-aware, not {instant.isoformat()}")
        if instant > LATEST:
            raise ValueError(f"virtual time cannot be past {LATEST:%Y-%m-%d}: {instant}")
        with self._lock:
            _, scale, _, _ = self._state
            if scale == 1.0:
                self._state = (instant - _wall(), 1.0, _EPOCH, 0.0)
            else:  # the scale stands: it is how the server runs, not part of the state
                self._state = (_ZERO, scale, instant, _time.monotonic())

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
        stride, most = _step(step), _step(limit)
        if stride <= _ZERO:
            raise ValueError("step must be a positive duration")
        waited = _ZERO
        while not condition():
            if waited >= most:
                raise TimeoutError(f"the condition is still false after {most} of virtual time")
            self.advance(stride)
            waited += stride
        return waited


def _step(delta: _dt.timedelta | float | None, **units: float) -> _dt.timedelta:
    """The sum of ``delta`` and the unit arguments, each checked."""
    step = _ZERO
    if isinstance(delta, _dt.timedelta):
        step = delta
    elif delta is not None:
        step = _seconds_of("delta", delta, "seconds")
    for unit, amount in units.items():
        if amount != 0 or not _is_real(amount):
            step = _add(step, _seconds_of(unit, amount, unit))
    return step


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _seconds_of(name: str, value: object, unit: str) -> _dt.timedelta:
    """``value`` (a real, finite number) of ``unit`` as a ``timedelta``."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a number of {unit}, not {type(value).__name__}")
    try:
        amount = float(value)  # type: ignore[arg-type]
        if not math.isfinite(amount):
            raise ValueError(f"{name} must be a finite number of {unit}, not {value!r}")
        return _dt.timedelta(**{unit: amount})
    except OverflowError:
        raise ValueError(f"{name}={value!r} is too large a step for virtual time") from None


def _add(step: _dt.timedelta, more: _dt.timedelta) -> _dt.timedelta:
    try:
        return step + more
    except OverflowError:
        raise ValueError("the step is too large for virtual time") from None
