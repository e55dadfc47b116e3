"""Fake credentials in ``os.environ`` while a mock is active, taken out exactly.

Removing restores a variable only if it still holds what was put there; one that
another tool changed since is that tool's to restore. moto restores what it
found when it started, so a moto mock started after this patch would put the
fake values back when it stops: it is told the original values instead.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from typing import Any

FAKE_ACCESS_KEY = "AKIAOMICSMOCK0000000"
FAKE_SECRET_KEY = "omics-mock-secret-access-key"
FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_KEY,
}
CLEARED_ENVIRONMENT = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
DEFAULT_REGION_VARIABLE = "AWS_DEFAULT_REGION"
_MOTO_MODELS_MODULE = "moto.core.models"


class EnvironPatch:
    """Fake credentials (and a default Region) in ``os.environ`` until ``remove``."""

    def __init__(self) -> None:
        self._changes: dict[str, tuple[str | None, str | None]] = {}
        """Name -> (value found, value put); ``None`` is unset."""
        for name, value in FAKE_ENVIRONMENT.items():
            self._put(name, value)
        for name in CLEARED_ENVIRONMENT:
            self._put(name, None)
        if not os.environ.get(DEFAULT_REGION_VARIABLE) and not os.environ.get("AWS_REGION"):
            self._put(DEFAULT_REGION_VARIABLE, "us-east-1")

    def _put(self, name: str, value: str | None) -> None:
        self._changes[name] = (os.environ.get(name), value)
        _assign(name, value)

    def remove(self) -> None:
        for name, (found, put) in self._changes.items():
            if os.environ.get(name) == put:
                _assign(name, found)
            else:
                hand_environ_back_to_moto(name, put, found)


def _assign(name: str, value: str | None) -> None:
    """Set ``os.environ[name]``, or unset it for ``None``."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def hand_environ_back_to_moto(name: str, ours: str | None, original: str | None) -> None:
    """Moto mocks that saved ``ours`` as the value of ``name`` restore ``original`` instead.

    moto saves the credential variables it finds when it starts and writes them
    back when it stops, unconditionally; one started while our fake values were
    in place would otherwise leave them behind. Nothing happens if moto is not
    imported or its internals change shape.
    """
    mock_class = getattr(sys.modules.get(_MOTO_MODELS_MODULE), "MockAWS", None)
    if not isinstance(mock_class, type):
        return
    mock_types = set(_with_subclasses(mock_class))
    for obj in gc.get_referrers(*mock_types):
        saved = getattr(obj, "_orig_creds", None) if type(obj) in mock_types else None
        if isinstance(saved, dict) and name in saved and saved[name] == ours:
            saved[name] = original


def _with_subclasses(root: type[Any]) -> Iterator[type[Any]]:
    yield root
    subclass: type[Any]
    for subclass in root.__subclasses__():
        yield from _with_subclasses(subclass)
