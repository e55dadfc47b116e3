"""The pytest plugin (registered through the ``pytest11`` entry point): fixtures
``omics_mock``, ``omics_client``, ``omics_clock``, ``omics_server``,
``omics_server_client``, and ``omics_client_for``."""

from __future__ import annotations

from .harness.pytest_plugin import (
    omics_client,
    omics_client_for,
    omics_clock,
    omics_mock,
    omics_server,
    omics_server_client,
    omics_server_session,
    shared_session,
)

__all__ = [
    "omics_client",
    "omics_client_for",
    "omics_clock",
    "omics_mock",
    "omics_server",
    "omics_server_client",
    "omics_server_session",
    "shared_session",
]
