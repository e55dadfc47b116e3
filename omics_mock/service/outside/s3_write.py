"""Objects the service writes to S3 (read set exports): into moto's S3 when ``mock_aws``
is active, else into the mock's own memory (``MemoryS3``, readable through the
control API). The mock never writes to real S3.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .s3 import MemoryS3, _moto_client, moto_is_active

if TYPE_CHECKING:
    from ..kernel.state import Backend


class WriteFailed(Exception):
    """S3 refused the object (a missing bucket, ...): the message says why."""


def write_object(
    backend: Backend, bucket: str, key: str, chunks: Iterable[bytes | memoryview]
) -> None:
    """Store ``chunks`` (joined) at ``s3://bucket/key``."""
    data = b"".join(chunks)
    if not moto_is_active():
        etag = hashlib.md5(data).hexdigest()
        backend.state.shared(MemoryS3).put(bucket, key, data, etag)
        return
    from botocore.exceptions import ClientError

    try:
        _moto_client(backend.region).put_object(Bucket=bucket, Key=key, Body=data)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "an error")
        raise WriteFailed(f"Unable to write s3://{bucket}/{key}: S3 answered {code}.") from None
