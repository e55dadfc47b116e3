"""omics-mock: an in-process mock of AWS HealthOmics for boto3.

>>> from omics_mock import mock_omics
>>> with mock_omics() as m:
...     ...  # boto3.client("omics") calls are answered in process

The public surface is this module: ``mock_omics``/``OmicsMock`` to activate,
the control API reached from the mock object, the settings and outcome types
it takes, ``definition_zip`` to build a workflow bundle, and ``__version__``.
Server mode lives in ``omics_mock.server``, the pytest fixtures in
``omics_mock.pytest_plugin``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .harness.activation import OmicsMock, active_mock, mock_omics
    from .harness.bundles import definition_zip
    from .harness.interception import MockStoppedError
    from .harness.request_log import RequestLog, RequestRecord
    from .service.kernel.clock import VirtualClock
    from .service.kernel.settings import Durations, Quotas, RunTiming, Settings
    from .service.runs.model import Outcome
    from .service.snapshot import SnapshotError

_HOMES = {
    "OmicsMock": "harness.activation",
    "active_mock": "harness.activation",
    "mock_omics": "harness.activation",
    "definition_zip": "harness.bundles",
    "MockStoppedError": "harness.interception",
    "RequestLog": "harness.request_log",
    "RequestRecord": "harness.request_log",
    "VirtualClock": "service.kernel.clock",
    "Durations": "service.kernel.settings",
    "Quotas": "service.kernel.settings",
    "RunTiming": "service.kernel.settings",
    "Settings": "service.kernel.settings",
    "Outcome": "service.runs.model",
    "SnapshotError": "service.snapshot",
}
"""Where each public name lives: loaded on first use, so ``import omics_mock`` is cheap."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'omics_mock' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "Durations",
    "MockStoppedError",
    "OmicsMock",
    "Outcome",
    "Quotas",
    "RequestLog",
    "RequestRecord",
    "RunTiming",
    "Settings",
    "SnapshotError",
    "VirtualClock",
    "__version__",
    "active_mock",
    "definition_zip",
    "mock_omics",
]
