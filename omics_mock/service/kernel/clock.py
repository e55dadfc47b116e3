"""Virtual time: the wall clock (so freezegun moves it) plus an offset.

Tests move time forward with ``advance``; botocore waiters and retry back-offs
do the same through ``sleep`` while a mock is active. Nothing here sleeps for
real or runs in a thread.

An advance that would take virtual time past ``LATEST`` is refused and changes
nothing: ``datetime`` ends at year 9999, and simulated durations (each at most
``MAX_DURATION``, see ``settings``) still have to fit after the current time.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import threading

LATEST = _dt.datetime(5000, 1, 1, tzinfo=_dt.timezone.utc)
"""The latest virtual time ``advance`` may reach."""


class VirtualClock:
    """Reads ``datetime.now(timezone.utc)`` at call time, plus an offset."""

    def __init__(self) -> None:
        self._offset = _dt.timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> _dt.datetime:
        """The current virtual time (timezone-aware, UTC)."""
        return _wall_now() + self._offset

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

        ``delta`` may be a ``timedelta`` or a number of seconds. Raises
        ``TypeError`` for values that are not numbers and ``ValueError`` for a
        backward, infinite, NaN or too large step; a refused step changes nothing.
        """
        step = _step(delta, days=days, hours=hours, minutes=minutes, seconds=seconds)
        if step < _dt.timedelta(0):
            raise ValueError(f"virtual time only moves forward; the step is {step}")
        with self._lock:
            room = LATEST - _wall_now()
            if step > _ZERO and step > room - self._offset:
                raise ValueError(
                    f"advancing by {step} would take virtual time past {LATEST:%Y-%m-%d}, "
                    f"the latest it can reach (at most {max(room - self._offset, _ZERO)} "
                    "more); virtual time is unchanged"
                )
            self._offset += step
        return self.now()

    def set_now(self, instant: _dt.datetime) -> None:
        """Make ``instant`` the current virtual time (restoring a snapshot; it may be
        earlier than now). ``ValueError`` for a naive time or one past ``LATEST``."""
        if instant.tzinfo is None:
            raise ValueError(f"virtual time is timezone-aware, not {instant.isoformat()}")
        if instant > LATEST:
            raise ValueError(f"virtual time cannot be past {LATEST:%Y-%m-%d}: {instant}")
        with self._lock:
            self._offset = instant - _wall_now()

    def sleep(self, seconds: float) -> None:
        """A ``time.sleep`` that moves virtual time instead of waiting."""
        if seconds > 0:
            self.advance(seconds)


_ZERO = _dt.timedelta(0)


def _wall_now() -> _dt.datetime:
    # Looked up on the module each call, so freezegun's patch is honoured.
    current = _dt.datetime.now(_dt.timezone.utc)
    if current.tzinfo is None:  # some time-freezing tools return naive values
        current = current.replace(tzinfo=_dt.timezone.utc)
    return current


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
