"""Identifiers as the service makes them: 7-digit numeric IDs and uuid4s."""

from __future__ import annotations

import random
import secrets
import uuid


class IdAllocator:
    """Hands out 7-digit numeric IDs, unique within one account and Region."""

    LOW = 1_000_000
    HIGH = 9_999_999

    def __init__(self, seed: str) -> None:
        self._random = random.Random(seed)
        self._used: set[int] = set()

    def numeric(self) -> str:
        """A fresh 7-digit ID."""
        if len(self._used) >= (self.HIGH - self.LOW) // 2:
            raise RuntimeError("omics-mock ran out of 7-digit IDs in this account and Region")
        span = self.HIGH - self.LOW + 1
        draw = self._random.random  # C-level; randint() is several times slower
        while True:
            candidate = self.LOW + int(draw() * span)
            if candidate not in self._used:
                self._used.add(candidate)
                return str(candidate)

    def reserve(self, value: str) -> None:
        """Mark an ID as taken (pre-seeded resources)."""
        if value.isdigit():
            self._used.add(int(value))


_uuid_random = random.Random(uuid.uuid4().int)


def new_uuid() -> str:
    """A random RFC 4122 version-4 UUID string (cheaper than ``str(uuid.uuid4())``)."""
    value = _uuid_random.getrandbits(128)
    value = (value & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def share_id() -> str:
    """A share ID in the observed form: two 32-hex groups joined by ``-``."""
    return f"{secrets.token_hex(16)}-{secrets.token_hex(16)}"
