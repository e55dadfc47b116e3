"""Objects a run writes, put into moto's S3 (``Objects``), and whether a bucket exists
there (a run cannot export to a bucket that does not)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from . import moto_backends
from .s3_bulk import Keys, keys_for

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


class Objects:
    """Puts objects into moto's S3 for one account and Region, plain buckets in bulk
    (``s3_bulk``); ``close`` when done."""

    def __init__(self, account: str, region: str) -> None:
        self._backend = moto_backends.s3(account, region)
        self._makers: dict[str, Keys | None] = {}

    def put(self, objects: Iterable[tuple[str, str, bytes]]) -> None:
        """Put ``(bucket, key, body)`` objects; one that cannot be written is skipped and
        logged (as the service's export would leave it out)."""
        backend = self._backend
        if backend is None:
            return
        makers = self._makers
        for bucket, key, body in objects:
            if bucket in makers:
                maker = makers[bucket]
            else:
                try:
                    maker = makers[bucket] = keys_for(backend, bucket)
                except Exception:  # a missing bucket: moto's put_object says why, below
                    maker = makers[bucket] = None
            if maker is not None:
                try:
                    maker.put(key, body)
                    continue
                except Exception:  # not what the bulk maker expects: moto's own way, below
                    logger.debug("omics-mock: bulk write to %s failed", bucket, exc_info=True)
                    maker.close()
                    makers[bucket] = None
            try:
                backend.put_object(bucket, key, body)
            except Exception as error:  # a bucket deleted meanwhile, a lock, a policy
                logger.warning("omics-mock: could not write s3://%s/%s: %s", bucket, key, error)

    def close(self) -> None:
        for maker in self._makers.values():
            if maker is not None:
                maker.close()
        self._makers.clear()
