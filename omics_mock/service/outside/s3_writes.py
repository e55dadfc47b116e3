"""Objects a run writes, put into moto's S3 (``s3_writes.put``), and whether a bucket
exists there (a run cannot export to a bucket that does not)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from . import moto_backends

logger = logging.getLogger("omics_mock")


def bucket_exists(account: str, region: str, bucket: str) -> bool:
    """Whether moto's S3 has ``bucket`` (in this account, or another one)."""
    backend = moto_backends.s3(account, region)
    if backend is None:
        return False
    try:
        backend.get_bucket(bucket)
    except Exception:  # moto's MissingBucket, or a bucket it will not let us reach
        return False
    return True


def put(account: str, region: str, objects: Iterable[tuple[str, str, bytes]]) -> None:
    """Put ``(bucket, key, body)`` objects; one that cannot be written is skipped and logged
    (as the service's export would leave it out)."""
    backend = moto_backends.s3(account, region)
    if backend is None:
        return
    for bucket, key, body in objects:
        try:
            backend.put_object(bucket, key, body)
        except Exception as error:  # a bucket deleted meanwhile, a lock, a policy
            logger.warning("omics-mock: could not write s3://%s/%s: %s", bucket, key, error)
