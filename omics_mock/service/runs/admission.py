"""Runs waiting for admission, and what each pool's active runs hold.

A pool is a run group, or the runs outside any group (``None``).
"""

from __future__ import annotations

import heapq

from .model import Run


class AdmissionQueue:
    """Waiting runs, one priority heap per pool (a run group, or no group)."""

    def __init__(self) -> None:
        self._pools: dict[str | None, list[tuple[int, int, Run]]] = {}
        self._queued: set[int] = set()
        """``sequence`` of each waiting run (heaps may still hold runs no longer waiting)."""

    def add(self, run: Run) -> None:
        heapq.heappush(
            self._pools.setdefault(run.run_group_id, []), (-run.priority, run.sequence, run)
        )
        self._queued.add(run.sequence)

    def discard(self, run: Run) -> None:
        """Forget a run (lazily: it is skipped when it reaches the head)."""
        self._queued.discard(run.sequence)

    def __contains__(self, run: Run) -> bool:
        return run.sequence in self._queued

    def __len__(self) -> int:
        return len(self._queued)

    def heads(self) -> list[Run]:
        """The best waiting run of each pool."""
        heads = []
        for pool_id, heap in list(self._pools.items()):
            while heap and heap[0][2].sequence not in self._queued:
                heapq.heappop(heap)
            if heap:
                heads.append(heap[0][2])
            else:
                del self._pools[pool_id]
        return heads

    def pop(self, run: Run) -> None:
        heap = self._pools[run.run_group_id]
        heapq.heappop(heap)
        self._queued.discard(run.sequence)


class Usage:
    """What a pool's active runs hold: runs, vCPUs, GPUs."""

    __slots__ = ("runs", "cpus", "gpus")

    def __init__(self) -> None:
        self.runs = 0
        self.cpus = 0
        self.gpus = 0

    def add(self, run: Run, sign: int) -> None:
        self.runs += sign
        self.cpus += sign * run.cpus
        self.gpus += sign * run.gpus
