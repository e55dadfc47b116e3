"""omics-mock: an in-process mock of AWS HealthOmics for boto3.

>>> from omics_mock import mock_omics
>>> with mock_omics() as m:
...     ...  # boto3.client("omics") calls are answered in process

The public surface is this module: ``mock_omics``/``OmicsMock`` to activate,
the control API reached from the mock object, the settings and outcome types
it takes, and ``__version__``. Server mode lives in ``omics_mock.server``,
the pytest fixtures in ``omics_mock.pytest_plugin``.
"""

from __future__ import annotations

from .harness.activation import OmicsMock, active_mock, mock_omics
from .harness.interception import MockStoppedError
from .harness.request_log import RequestLog, RequestRecord
from .service.kernel.clock import VirtualClock
from .service.kernel.settings import Durations, Quotas, RunTiming, Settings
from .service.runs.model import Outcome
from .service.snapshot import SnapshotError

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
    "mock_omics",
]
