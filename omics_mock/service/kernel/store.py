"""Resources by key in creation order, and the listings List operations return.

A page costs what it returns, however many resources are stored: page tokens
carry a creation sequence number and a page starts with a binary search for it.
Removed entries leave tombstones that are compacted away in bulk. A resource
with a ``removed`` attribute is told when the store forgets it (idempotent
creates use that to tell a live resource from a deleted one).

Indexes (``index_by``) keep, per value of one attribute (a run's ``status``),
the sequence numbers of the resources holding it, so a page filtered on that
attribute costs what an unfiltered page does, however many resources are
stored. An index entry goes stale when its resource is removed or its value
changes (the owner says so with ``reindex``); stale entries are skipped when
paging and compacted away once they outnumber live ones.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
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
        self._indexes: dict[str, _Index[T]] = {}

    # -- mapping ---------------------------------------------------------------

    def add(self, key: str, item: T) -> None:
        if key in self._items:
            self.remove(key)
        sequence = self._next_sequence
        self._next_sequence += 1
        self._items[key] = (sequence, item)
        self._sequences.append(sequence)
        self._keys.append(key)
        for index in self._indexes.values():
            index.append(index.value_of(item), sequence)

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
        for index in self._indexes.values():
            index.went_stale(index.value_of(item))
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

    # -- snapshots -------------------------------------------------------------

    @property
    def next_sequence(self) -> int:
        return self._next_sequence

    def entries(self) -> list[tuple[int, str, T]]:
        """(sequence, key, resource) of every resource, oldest first."""
        return [(sequence, key, item) for key, (sequence, item) in self._items.items()]

    def load(self, entries: Iterable[tuple[int, str, T]], next_sequence: int) -> None:
        """Hold exactly these resources (a restored snapshot), indexes rebuilt; page tokens
        handed out before keep their meaning. ``ValueError`` if sequence numbers do not
        rise, stop below ``next_sequence``, or a key is there twice."""
        items: dict[str, tuple[int, T]] = {}
        last = 0
        for sequence, key, item in entries:
            if sequence <= last:
                raise ValueError(f"sequence numbers must rise: {sequence} follows {last}")
            if key in items:
                raise ValueError(f"the key {key!r} is there twice")
            items[key] = (sequence, item)
            last = sequence
        if last >= next_sequence:
            raise ValueError(f"next ({next_sequence}) must be above every sequence ({last})")
        self._items = items
        self._sequences = [sequence for sequence, _ in items.values()]
        self._keys = list(items)
        self._next_sequence = next_sequence
        self._tombstones = 0
        for name, index in list(self._indexes.items()):
            self.index_by(name, index.value_of)

    def _compact(self) -> None:
        pairs = [
            (seq, key)
            for seq, key in zip(self._sequences, self._keys, strict=True)
            if (found := self._items.get(key)) is not None and found[0] == seq
        ]
        self._sequences = [seq for seq, _ in pairs]
        self._keys = [key for _, key in pairs]
        self._tombstones = 0

    # -- indexes ---------------------------------------------------------------

    def index_by(self, name: str, value_of: Callable[[T], Any]) -> None:
        """Keep an index of the resources by ``value_of(resource)``, called ``name``."""
        index: _Index[T] = _Index(value_of)
        for sequence, key in zip(self._sequences, self._keys, strict=True):
            found = self._items.get(key)
            if found is not None and found[0] == sequence:
                index.append(value_of(found[1]), sequence)
        self._indexes[name] = index

    def reindex(self, key: str, name: str, before: Any) -> None:
        """The indexed value ``name`` of a stored resource changed from ``before``."""
        found = self._items.get(key)
        index = self._indexes.get(name)
        if found is None or index is None:
            return
        index.went_stale(before)
        index.insert(index.value_of(found[1]), found[0])

    # -- paging ----------------------------------------------------------------

    def page(
        self,
        token: str | None,
        max_results: int | None,
        matches: Callable[[T], bool] | None = None,
        indexed: tuple[str, Any] | None = None,
    ) -> tuple[list[T], str | None]:
        """One page of matching resources and the token for the next, if any.

        ``indexed`` (an index name and a value) walks only the resources holding
        that value; ``matches`` filters further.
        """
        limit = max_results or DEFAULT_PAGE_SIZE
        start = None if token is None else decode_token(self.kind, token)
        if indexed is not None and indexed[0] in self._indexes:
            name, value = indexed
            sequences = self._indexes[name].sequences(value)
            found_items = self._indexed_items(self._indexes[name], value, sequences, start)
        else:
            found_items = self._items_from(start)
        page: list[T] = []
        for sequence, item in found_items:
            if matches is not None and not matches(item):
                continue
            if len(page) == limit:
                return page, encode_token(self.kind, sequence)
            page.append(item)
        return page, None

    def _positions(self, sequences: list[int], start: int | None) -> range:
        if self.newest_first:
            first = len(sequences) - 1
            if start is not None:
                first = bisect.bisect_right(sequences, start) - 1
            return range(first, -1, -1)
        first = 0 if start is None else bisect.bisect_left(sequences, start)
        return range(first, len(sequences))

    def _items_from(self, start: int | None) -> Iterator[tuple[int, T]]:
        """(sequence, resource) in paging order, from the token's position."""
        items, sequences, keys = self._items, self._sequences, self._keys
        for position in self._positions(sequences, start):
            found = items.get(keys[position])
            if found is not None and found[0] == sequences[position]:
                yield found

    def _indexed_items(
        self, index: _Index[T], value: Any, postings: list[int], start: int | None
    ) -> Iterator[tuple[int, T]]:
        """Like ``_items_from``, walking one index value's entries (skipping stale ones)."""
        items, sequences, keys = self._items, self._sequences, self._keys
        stale = 0
        for position in self._positions(postings, start):
            sequence = postings[position]
            where = bisect.bisect_left(sequences, sequence)
            found = items.get(keys[where]) if where < len(sequences) else None
            if (
                found is None
                or found[0] != sequence
                or sequences[where] != sequence
                or index.value_of(found[1]) != value
            ):
                stale += 1
                continue
            yield found
        if stale:
            index.compact_if_worth_it(value, self._live_sequence)

    def _live_sequence(self, sequence: int, value: Any, index: _Index[T]) -> bool:
        where = bisect.bisect_left(self._sequences, sequence)
        if where >= len(self._sequences) or self._sequences[where] != sequence:
            return False
        found = self._items.get(self._keys[where])
        return found is not None and found[0] == sequence and index.value_of(found[1]) == value


class _Index(Generic[T]):
    """Sequence numbers per value of one attribute, in creation order; may hold stale ones."""

    def __init__(self, value_of: Callable[[T], Any]) -> None:
        self.value_of = value_of
        self._postings: dict[Any, list[int]] = {}
        self._stale: dict[Any, int] = {}

    def sequences(self, value: Any) -> list[int]:
        return self._postings.get(value, [])

    def append(self, value: Any, sequence: int) -> None:
        """A new resource: its sequence is the highest so far."""
        postings = self._postings.get(value)
        if postings is None:
            self._postings[value] = [sequence]
        else:
            postings.append(sequence)

    def insert(self, value: Any, sequence: int) -> None:
        """A resource whose value changed to ``value``."""
        postings = self._postings.setdefault(value, [])
        where = bisect.bisect_left(postings, sequence)
        if where == len(postings) or postings[where] != sequence:
            postings.insert(where, sequence)

    def went_stale(self, value: Any) -> None:
        self._stale[value] = self._stale.get(value, 0) + 1

    def compact_if_worth_it(self, value: Any, live: Callable[[int, Any, _Index[T]], bool]) -> None:
        """Drop stale entries of ``value`` once they are more than half of its entries."""
        postings = self._postings.get(value)
        if not postings or self._stale.get(value, 0) * 2 < len(postings):
            return
        kept = [sequence for sequence in postings if live(sequence, value, self)]
        self._postings[value] = kept
        self._stale[value] = 0


class Listing:
    """What a List handler returns: resources to page, how to render each, a filter.

    The source is a ``Store`` (paged by creation sequence) or a short sequence
    built for the request (paged by offset). ``indexed`` names one of the
    store's indexes and a value: only resources holding it are walked.
    """

    def __init__(
        self,
        source: Store[Any] | Sequence[Any],
        render: Render,
        where: Callable[[Any], bool] | None = None,
        *,
        indexed: tuple[str, Any] | None = None,
        kind: str | None = None,
        default_limit: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        self.source = source
        self.render = render
        self.where = where
        self.indexed = indexed
        self.kind = kind or (source.kind if isinstance(source, Store) else "list")
        self.default_limit = default_limit

    def page(self, token: str | None, limit: int | None) -> tuple[list[Any], str | None]:
        """Rendered items of one page and the token of the next, if any."""
        size = limit or self.default_limit
        if isinstance(self.source, Store):
            items, next_token = self.source.page(token, size, self.where, self.indexed)
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
