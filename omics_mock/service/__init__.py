"""The behaviour of HealthOmics: one package per resource, over a small kernel.

``CATALOG`` (in ``catalog``) is the one place a resource family is registered.
Importing this package loads neither the kernel nor any family (so that importing
``omics_mock.service.kernel.clock`` costs only the clock): ``new_state`` loads the
kernel, each backend the planes it needs (``kernel.planes``), ``FAMILIES`` every family.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .kernel.settings import Settings
    from .kernel.state import Family, ServiceState

    FAMILIES: tuple[type[Family], ...]


def new_state(settings: Settings | None = None) -> ServiceState:
    """A fresh, empty state with every registered family (built as backends need them)."""
    from .catalog import CATALOG
    from .kernel.state import ServiceState

    return ServiceState(CATALOG, settings)


def __getattr__(name: str) -> Any:
    if name == "FAMILIES":
        from .catalog import FAMILIES

        return FAMILIES
    if name == "ServiceState":
        from .kernel.state import ServiceState

        return ServiceState
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FAMILIES", "ServiceState", "new_state"]
