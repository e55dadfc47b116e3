"""Resources by key in creation order, and the listings List operations return.

A page costs what it returns, however many resources are stored: page tokens
carry a creation sequence number and a page starts with a binary search for it.
Removed entries leave tombstones that are compacted away in bulk. A resource
with a ``removed`` attribute is told when the store forgets it (idempotent
creates use that to tell a live resource from a deleted one).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from ...wire.traits import DEFAULT_PAGE_SIZE, decode_token, encode_token

T = TypeVar("T")
Render = Callable[[Any], dict[str, Any]]


class Store(Generic[T]):
    """An ordered map of key to resource that pages in O(page size)."""

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
        item = found[1]
        if hasattr(item, "removed"):
            item.removed = True
        self._tombstones += 1
        if self._tombstones > 1000 and self._tombstones > len(self._items):
            self._compact()
        return item

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
                start = bisect.bisect_right(sequences, decode_token(self.kind, token)) - 1
            positions: range = range(start, -1, -1)
        else:
            start = 0
            if token is not None:
                start = bisect.bisect_left(sequences, decode_token(self.kind, token))
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
                return page, encode_token(self.kind, sequences[position])
            page.append(item)
        return page, None


class Listing:
    """What a List handler returns: resources to page, how to render each, a filter.

    The source is a ``Store`` (paged by creation sequence) or a short sequence
    built for the request (paged by offset).
    """

    def __init__(
        self,
        source: Store[Any] | Sequence[Any],
        render: Render,
        where: Callable[[Any], bool] | None = None,
        *,
        kind: str | None = None,
        default_limit: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        self.source = source
        self.render = render
        self.where = where
        self.kind = kind or (source.kind if isinstance(source, Store) else "list")
        self.default_limit = default_limit

    def page(self, token: str | None, limit: int | None) -> tuple[list[Any], str | None]:
        """Rendered items of one page and the token of the next, if any."""
        size = limit or self.default_limit
        if isinstance(self.source, Store):
            items, next_token = self.source.page(token, size, self.where)
        else:
            items, next_token = self._page_sequence(self.source, token, size)
        return [self.render(item) for item in items], next_token

    def _page_sequence(
        self, source: Sequence[Any], token: str | None, size: int
    ) -> tuple[list[Any], str | None]:
        chosen = source if self.where is None else [i for i in source if self.where(i)]
        start = 0 if token is None else decode_token(self.kind, token)
        page = list(chosen[start : start + size])
        if start + size >= len(chosen):
            return page, None
        return page, encode_token(self.kind, start + size)
