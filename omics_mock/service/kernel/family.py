"""Resource families and the one table of operation handlers.

A family is a small class holding one kind of resource of one account and
Region, with its operations marked ``@operation("Name")``. Defining a family
class registers its operations in ``OPERATIONS``; a second handler for the same
operation is an error at import, so every operation has exactly one home.

``render`` turns what a handler returns (a resource) into the operation's
output; handlers of List operations return a ``Listing`` instead and the
dispatcher cuts the page (see ``dispatch``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ...wire.errors import ResourceNotFoundException

if TYPE_CHECKING:
    from .backend import Backend

F = TypeVar("F", bound=Callable[..., Any])
Params = dict[str, Any]
Render = Callable[[Any], dict[str, Any]]

_OPERATION_ATTR = "__omics_operation__"


@dataclass(frozen=True)
class OperationBinding:
    """Where an operation is handled: the family, its method and the output renderer."""

    name: str
    family: type[Family]
    method: str
    render: Render | None


OPERATIONS: dict[str, OperationBinding] = {}
"""Every simulated operation, by name: filled as family classes are defined."""


def operation(name: str, *, render: Render | None = None) -> Callable[[F], F]:
    """Mark a family method as the handler of operation ``name``.

    ``render`` makes the output from the resource the handler returns; without
    it the handler returns the output itself (or ``None`` for no output).
    """

    def mark(function: F) -> F:
        setattr(function, _OPERATION_ATTR, (name, render))
        return function

    return mark


class Family:
    """A resource family: one kind of resource of one account and Region."""

    key: ClassVar[str]
    """A short name for the family (``"runs"``), used in inspection and errors."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attribute, value in vars(cls).items():
            marked = getattr(value, _OPERATION_ATTR, None)
            if marked is None:
                continue
            name, render = marked
            earlier = OPERATIONS.get(name)
            if earlier is not None:
                raise TypeError(
                    f"operation {name} is handled twice: by {earlier.family.__qualname__}."
                    f"{earlier.method} and by {cls.__qualname__}.{attribute}"
                )
            OPERATIONS[name] = OperationBinding(name, cls, attribute, render)

    def __init__(self, backend: Backend) -> None:
        self.backend = backend


def not_found(kind: str, identifier: str) -> ResourceNotFoundException:
    """``<Kind> <id> not found``, as the service words it (ResourceNotFoundException)."""
    return ResourceNotFoundException(f"{kind} {identifier} not found")
