"""``time.sleep`` moving virtual time in the threads that asked for it (``patch_sleep``)."""

from __future__ import annotations

import threading
import time as _time
from collections import Counter
from collections.abc import Callable

from ..service.kernel.clock import VirtualClock


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
