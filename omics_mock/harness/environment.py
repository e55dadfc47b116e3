"""What an active mock group changes in the process besides interception:
fake credentials in the environment, and (opt-in) a virtual ``time.sleep``."""

from __future__ import annotations

import os
import threading
import time as _time
from collections import Counter
from collections.abc import Callable

from ..service.kernel.clock import VirtualClock
from .interception import FAKE_ACCESS_KEY, FAKE_SECRET_KEY

FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_KEY,
}
CLEARED_ENVIRONMENT = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
DEFAULT_REGION_VARIABLE = "AWS_DEFAULT_REGION"


# -- environment credentials -------------------------------------------------------------


def replace_environ() -> dict[str, str | None]:
    """Put fake credentials in ``os.environ``; returns what to restore."""
    saved: dict[str, str | None] = {}
    for name, value in FAKE_ENVIRONMENT.items():
        saved[name] = os.environ.get(name)
        os.environ[name] = value
    for name in CLEARED_ENVIRONMENT:
        saved[name] = os.environ.pop(name, None)
    if not os.environ.get(DEFAULT_REGION_VARIABLE) and not os.environ.get("AWS_REGION"):
        saved[DEFAULT_REGION_VARIABLE] = os.environ.get(DEFAULT_REGION_VARIABLE)
        os.environ[DEFAULT_REGION_VARIABLE] = "us-east-1"
    return saved


def restore_environ(saved: dict[str, str | None]) -> None:
    """Put back exactly what ``replace_environ`` found (unset stays unset)."""
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# -- time.sleep opt-in -------------------------------------------------------------------


class SleepPatch:
    """``time.sleep`` that moves virtual time in chosen threads, sleeps elsewhere."""

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self._threads: Counter[int] = Counter()
        self._real: Callable[[float], None] | None = None
        """The ``time.sleep`` found when the patch went in; ``None`` when not patched."""

    def add(self, thread_id: int) -> None:
        self._threads[thread_id] += 1
        if self._real is None:
            self._real = real = _time.sleep
            _time.sleep = self._sleeper(real)  # type: ignore[assignment]

    def discard(self, thread_id: int) -> None:
        self._threads[thread_id] -= 1
        if self._threads[thread_id] <= 0:
            del self._threads[thread_id]
        if not self._threads:
            self.remove()

    def remove(self) -> None:
        if self._real is not None:
            _time.sleep = self._real  # type: ignore[assignment]
            self._real = None
        self._threads.clear()

    def _sleeper(self, real: Callable[[float], None]) -> Callable[[float], None]:
        threads, clock = self._threads, self._clock

        def sleep(seconds: float) -> None:
            if threading.get_ident() in threads:
                clock.sleep(seconds)
            else:
                real(seconds)

        return sleep
