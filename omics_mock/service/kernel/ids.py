"""Identifiers as the service makes them: numeric IDs, uuid4s, share IDs.

IDs (numeric and uuids) are unique per account and Region and deterministic:
every fresh mock hands out the same sequence in the same account and Region,
so tests (and restored snapshots) can rely on them. ``settings.id_seed``
changes the sequence.
"""

from __future__ import annotations

import random
import uuid


class IdAllocator:
    """Hands out numeric IDs of a given width, unique within one account and Region."""

    def __init__(self, scope: str, seed: str | int | None = None) -> None:
        base = scope if seed is None else f"{seed}/{scope}"
        self._random = random.Random(base)
        self._uuid_random = random.Random(f"{base}/uuid")
        """UUIDs draw from a sequence of their own, so numeric IDs do not shift with them."""
        self._used: set[int] = set()

    def numeric(self, digits: int = 7) -> str:
        """A fresh ID of ``digits`` digits (the workflow plane's are 7 long)."""
        low = 10 ** (digits - 1)
        span = 9 * low
        if len(self._used) >= span // 2:
            raise RuntimeError(
                f"omics-mock ran out of {digits}-digit IDs in this account and Region"
            )
        draw = self._random.random  # C-level; randint() is several times slower
        while True:
            candidate = low + int(draw() * span)
            if candidate not in self._used:
                self._used.add(candidate)
                return str(candidate)

    def hexadecimal(self, length: int = 12) -> str:
        """A fresh lower-case hex ID (analytics stores)."""
        while True:
            candidate = f"{self._random.getrandbits(4 * length):0{length}x}"
            value = int(candidate, 16)
            if value not in self._used:
                self._used.add(value)
                return candidate

    def uuid(self) -> str:
        """A fresh RFC 4122 version-4 UUID string, from this scope's sequence."""
        return _uuid_text(self._uuid_random.getrandbits(128))

    def share_id(self) -> str:
        """A share ID in the observed form: two 32-hex groups joined by ``-``."""
        draw = self._uuid_random.getrandbits
        return f"{draw(128):032x}-{draw(128):032x}"

    def reserve(self, value: str) -> None:
        """Mark an ID as taken (pre-seeded resources)."""
        if value.isdigit():
            self._used.add(int(value))


_uuid_random = random.Random(uuid.uuid4().int)


def new_uuid() -> str:
    """A random RFC 4122 version-4 UUID string, outside any account and Region's
    sequence (resources use ``IdAllocator.uuid`` so that mocks are reproducible)."""
    return _uuid_text(_uuid_random.getrandbits(128))


def _uuid_text(value: int) -> str:
    """A 128-bit number as a version-4 UUID (cheaper than ``str(uuid.UUID(...))``)."""
    value = (value & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
