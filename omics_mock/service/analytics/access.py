"""Closed to new customers (spec §11): who may create stores and start imports.

Since 2025-11-07 variant and annotation stores are closed to new AWS customers;
existing customers use them as before. ``settings.analytics.access`` says how
every account behaves (``"existing"`` by default); the control API overrides it
per account (``m.analytics.new_customer(account)``). A new customer's
Create*Store and Start*ImportJob answer AccessDeniedException (the wording is
omics-mock's own: no source shows the service's); reads behave as usual.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ...wire.errors import AccessDeniedException

if TYPE_CHECKING:
    from ..kernel.state import Backend

EXISTING = "existing"
NEW_CUSTOMER = "new_customer"
MODES = (EXISTING, NEW_CUSTOMER)


class AnalyticsAccess:
    """Mock-wide: accounts the control API made new or existing customers."""

    def __init__(self) -> None:
        self.by_account: dict[str, str] = {}
        self._lock = threading.Lock()

    def set(self, account_id: str, mode: str) -> None:
        with self._lock:
            self.by_account[account_id] = mode

    def mode(self, account_id: str, default: str) -> str:
        return self.by_account.get(account_id, default)


def check_open(backend: Backend, action: str) -> None:
    """AccessDeniedException when the caller's account is a new customer."""
    access = backend.state.shared(AnalyticsAccess)
    if access.mode(backend.account_id, backend.settings.analytics.access) == NEW_CUSTOMER:
        raise AccessDeniedException(
            "Variant stores and annotation stores are no longer open to new customers "
            f"(since November 7, 2025): account {backend.account_id} cannot {action}."
        )
