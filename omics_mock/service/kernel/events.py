"""Events one resource family publishes and the reactions others declare.

A family marks a method with ``@reacts_to(SomeEvent)``; the backend subscribes
every marked method after all families are built, so the order in which
families are built never matters. ``publish`` calls every reaction and returns
their answers, so an event can also be a question ("is there room for this
run?") that several families answer.

Event types are small frozen dataclasses defined by the family that publishes
them (``runs.events``), so a reaction imports the publisher's events, never the
other way round.

A family not built yet (its plane is built on first need, see ``planes``) still
hears what it reacts to: the bus holds those event types as dormant, and publishing
one first wakes the plane, which builds it and subscribes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .planes import class_key

Reaction = Callable[[Any], Any]


@dataclass(frozen=True)
class OutsideRead:
    """Another AWS service in this process (moto) is about to answer a request, or the
    mock is about to stop or be saved: what a family owes that service (the artefacts
    runs wrote by now) must be written into it now. Published by the kernel."""


F = TypeVar("F", bound=Callable[..., Any])

REACTIONS_ATTR = "__omics_reacts_to__"


def reacts_to(*event_types: type) -> Callable[[F], F]:
    """Mark a family method as the reaction to events of these types."""

    def mark(function: F) -> F:
        setattr(function, REACTIONS_ATTR, (*getattr(function, REACTIONS_ATTR, ()), *event_types))
        return function

    return mark


Marked = tuple[tuple[str, tuple[type, ...]], ...]
_marked: dict[type, Marked] = {}


def marked_methods(cls: type) -> Marked:
    """(name, event types) of each method of ``cls`` marked with ``@reacts_to``, in name
    order: found once per class (``dir`` and a lookup per attribute cost more than the
    subscriptions themselves, and every new backend subscribes every family)."""
    found = _marked.get(cls)
    if found is None:
        found = _marked[cls] = tuple(
            (name, tuple(getattr(getattr(cls, name, None), REACTIONS_ATTR, ())))
            for name in dir(cls)
            if getattr(getattr(cls, name, None), REACTIONS_ATTR, ())
        )
    return found


class EventBus:
    """Reactions by event type, for one account and Region."""

    def __init__(self) -> None:
        self._reactions: dict[type, list[Reaction]] = {}
        self._dormant: dict[str, str] = {}
        """Event type (``class_key``) -> the plane not built yet whose families react to it."""
        self._wake: Callable[[str], None] | None = None

    def hold(self, dormant: Mapping[str, str], wake: Callable[[str], None]) -> None:
        """Publishing an event type of ``dormant`` first calls ``wake(plane)``."""
        self._dormant = dict(dormant)
        self._wake = wake

    def woken(self, plane: str) -> None:
        """``plane`` is built: its event types are no longer dormant."""
        self._dormant = {event: p for event, p in self._dormant.items() if p != plane}

    def clear(self) -> None:
        """Forget every subscription (a backend subscribes its families again, in order)."""
        self._reactions = {}

    def subscribe(self, event_type: type, reaction: Reaction) -> None:
        self._reactions.setdefault(event_type, []).append(reaction)

    def subscribe_marked(self, owner: object) -> None:
        """Subscribe every method of ``owner`` marked with ``@reacts_to``."""
        for name, event_types in marked_methods(type(owner)):
            for event_type in event_types:
                self.subscribe(event_type, getattr(owner, name))

    def publish(self, event: object) -> list[Any]:
        """Call every reaction to ``event``; returns their answers in subscription order."""
        if self._dormant:
            plane = self._dormant.get(class_key(type(event)))
            if plane is not None and self._wake is not None:
                self._wake(plane)
        reactions = self._reactions.get(type(event))
        if not reactions:
            return []
        if len(reactions) == 1:
            return [reactions[0](event)]
        return [reaction(event) for reaction in reactions]

    def has_reactions(self, event_type: type) -> bool:
        if self._dormant and class_key(event_type) in self._dormant:
            return True  # a family not built yet reacts to it
        return bool(self._reactions.get(event_type))
