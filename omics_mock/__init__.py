"""omics-mock: an in-process mock of AWS HealthOmics for boto3.

>>> from omics_mock import mock_omics
>>> with mock_omics() as m:
...     ...  # boto3.client("omics") calls are answered in process

The public surface is this module: ``mock_omics``/``OmicsMock`` to activate,
the control API reached from the mock object, and ``__version__``.
"""

from __future__ import annotations

from .backend.clock import VirtualClock
from .backend.request_log import RequestLog, RequestRecord
from .backend.run_model import Outcome
from .backend.settings import Durations, Quotas, RunTiming, Settings
from .interception import MockStoppedError
from .mock import OmicsMock, active_mock, mock_omics

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
    "VirtualClock",
    "__version__",
    "active_mock",
    "mock_omics",
]
