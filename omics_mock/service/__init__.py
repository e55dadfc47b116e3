"""The behaviour of HealthOmics: one package per resource, over a small kernel.

``FAMILIES`` (in ``catalog``) is the one place a resource family is registered.
Importing this package loads neither the kernel nor any family (so that importing
``omics_mock.service.kernel.clock`` costs only the clock): ``new_state`` loads the
kernel, ``FAMILIES`` every family.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .kernel.settings import Settings
    from .kernel.state import Family, ServiceState

    FAMILIES: tuple[type[Family], ...]


def new_state(settings: Settings | None = None) -> ServiceState:
    """A fresh, empty state with every registered family."""
    from .catalog import FAMILIES
    from .kernel.state import ServiceState

    return ServiceState(FAMILIES, settings)


def __getattr__(name: str) -> Any:
    if name == "FAMILIES":
        from .catalog import FAMILIES

        return FAMILIES
    if name == "ServiceState":
        from .kernel.state import ServiceState

        return ServiceState
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FAMILIES", "ServiceState", "new_state"]
