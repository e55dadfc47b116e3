"""moto's in-process backends, reached directly (never through botocore or a network).

Writing side effects straight into moto's backends needs no credentials, no
signing and no request, so nothing here can re-enter omics-mock's interception
or wait on its locks. Each accessor returns ``None`` when moto is not installed.

A backend moto already made is found with plain dictionary reads (moto's own
lookup takes a lock and scans its registry on every call, which adds up when a
large simulation writes many runs); moto's lookup makes the ones it has not.
"""

from __future__ import annotations

from typing import Any


def _backend(backends: Any, account: str, region: str) -> Any:
    """``backends[account][region]``, read without moto's bookkeeping when it exists."""
    by_region = dict.get(backends, account)
    if by_region is not None:
        found = dict.get(by_region, region)
        if found is not None:
            return found
    return backends[account][region]


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def s3(account: str, region: str) -> Any:
    try:
        from moto.s3.models import s3_backends
    except ImportError:  # pragma: no cover - moto is optional
        return None
    return _backend(s3_backends, account, partition(region))


def logs(account: str, region: str) -> Any:
    try:
        from moto.logs.models import logs_backends
    except ImportError:  # pragma: no cover
        return None
    return _backend(logs_backends, account, region)


def events(account: str, region: str) -> Any:
    try:
        from moto.events.models import events_backends
    except ImportError:  # pragma: no cover
        return None
    return _backend(events_backends, account, region)


def lambdas(account: str, region: str) -> Any:
    try:
        from moto.awslambda.utils import get_backend
    except ImportError:  # pragma: no cover
        return None
    return get_backend(account, region)
