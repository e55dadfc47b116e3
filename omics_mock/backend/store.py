"""Resources by ID in creation order, with opaque page tokens.

A page costs what it returns, however many resources are stored: tokens carry
a creation sequence number and a page starts with a binary search for it.
Removed entries leave tombstones that are compacted away in bulk.
"""

from __future__ import annotations

import base64
import binascii
import bisect
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from ..protocol.errors import ValidationException

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100


class Store(Generic[T]):
    """An ordered map of ID to resource that pages in O(page size)."""

    def __init__(self, kind: str, newest_first: bool = True) -> None:
        self.kind = kind
        self.newest_first = newest_first
        self._items: dict[str, tuple[int, T]] = {}
        self._sequences: list[int] = []
        self._keys: list[str] = []
        self._next_sequence = 1
        self._tombstones = 0

    # -- mapping ---------------------------------------------------------------

    def add(self, key: str, item: T) -> None:
        if key in self._items:
            self.remove(key)
        sequence = self._next_sequence
        self._next_sequence += 1
        self._items[key] = (sequence, item)
        self._sequences.append(sequence)
        self._keys.append(key)

    def get(self, key: str) -> T | None:
        found = self._items.get(key)
        return None if found is None else found[1]

    def remove(self, key: str) -> T | None:
        found = self._items.pop(key, None)
        if found is None:
            return None
        self._tombstones += 1
        if self._tombstones > 1000 and self._tombstones > len(self._items):
            self._compact()
        return found[1]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def values(self) -> Iterator[T]:
        """Resources in creation order, oldest first."""
        for _, item in list(self._items.values()):
            yield item

    def _compact(self) -> None:
        pairs = [
            (seq, key)
            for seq, key in zip(self._sequences, self._keys, strict=True)
            if (found := self._items.get(key)) is not None and found[0] == seq
        ]
        self._sequences = [seq for seq, _ in pairs]
        self._keys = [key for _, key in pairs]
        self._tombstones = 0

    # -- paging ----------------------------------------------------------------

    def page(
        self,
        token: str | None,
        max_results: int | None,
        matches: Callable[[T], bool] | None = None,
    ) -> tuple[list[T], str | None]:
        """One page of matching resources and the token for the next, if any."""
        limit = max_results or DEFAULT_PAGE_SIZE
        items = self._items
        sequences, keys = self._sequences, self._keys
        if self.newest_first:
            start = len(sequences) - 1
            if token is not None:
                start = bisect.bisect_right(sequences, self._decode(token)) - 1
            positions = range(start, -1, -1)
        else:
            start = 0
            if token is not None:
                start = bisect.bisect_left(sequences, self._decode(token))
            positions = range(start, len(sequences))
        page: list[T] = []
        for position in positions:
            found = items.get(keys[position])
            if found is None or found[0] != sequences[position]:
                continue
            item = found[1]
            if matches is not None and not matches(item):
                continue
            if len(page) == limit:
                return page, self._encode(sequences[position])
            page.append(item)
        return page, None

    def _encode(self, sequence: int) -> str:
        raw = f"{self.kind}:{sequence}".encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def _decode(self, token: str) -> int:
        try:
            padded = token + "=" * (-len(token) % 4)
            kind, _, sequence = base64.urlsafe_b64decode(padded).decode().partition(":")
            if kind != self.kind:
                raise ValueError(kind)
            return int(sequence)
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise ValidationException(f"The pagination token '{token}' is not valid.") from None


def page_list(
    kind: str, items: list[T], token: str | None, max_results: int | None
) -> tuple[list[T], str | None]:
    """Page a short, fully built list with an opaque offset token."""
    start = 0
    if token is not None:
        try:
            padded = token + "=" * (-len(token) % 4)
            name, _, offset = base64.urlsafe_b64decode(padded).decode().partition(":")
            if name != kind:
                raise ValueError(name)
            start = int(offset)
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise ValidationException(f"The pagination token '{token}' is not valid.") from None
    limit = max_results or DEFAULT_PAGE_SIZE
    page = items[start : start + limit]
    if start + limit >= len(items):
        return page, None
    raw = f"{kind}:{start + limit}".encode()
    return page, base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
