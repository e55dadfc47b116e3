"""Reading S3 objects that requests point at (definitions, batch settings).

The mock never talks to real S3. An object is read from, in order:

1. objects registered with the control API (``mock.s3.put_object``);
2. moto's S3, when moto's ``mock_aws`` is active in this process.

With neither, ``read_object`` returns ``None`` and the caller decides whether
the object was essential.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

from ..protocol.errors import ValidationException

if TYPE_CHECKING:
    from .base import OmicsBackend

_S3_URI = re.compile(r"s3://(?P<bucket>[^/]+)/(?P<key>.+)")
_clients: dict[str, Any] = {}
_lock = threading.Lock()


def split_uri(uri: str, member: str) -> tuple[str, str]:
    found = _S3_URI.fullmatch(uri)
    if found is None:
        raise ValidationException(f"{member} must be an S3 object URI (s3://bucket/key): {uri}")
    return found.group("bucket"), found.group("key")


def moto_is_active() -> bool:
    """True when moto's ``mock_aws`` currently answers botocore requests."""
    import sys

    stubber_module = sys.modules.get("moto.core.models")
    stubber = getattr(stubber_module, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def read_object(backend: OmicsBackend, uri: str, member: str) -> bytes | None:
    """The object's bytes, or ``None`` if no S3 source is available."""
    found = read_object_with_etag(backend, uri, member)
    return None if found is None else found[0]


def read_object_with_etag(
    backend: OmicsBackend, uri: str, member: str
) -> tuple[bytes, str] | None:
    """The object's bytes and ETag, or ``None`` if no S3 source is available.

    Raises ``ValidationException`` when a source exists but the object does not.
    """
    bucket, key = split_uri(uri, member)
    registered = backend.environment.s3_objects.get((bucket, key))
    if registered is not None:
        return registered
    if not moto_is_active():
        return None
    client = _moto_client(backend.region)
    try:
        response = client.get_object(Bucket=bucket, Key=key)
    except Exception as exc:  # botocore ClientError from moto, or a missing bucket
        raise ValidationException(f"Unable to read {member} {uri}: {exc}") from None
    return response["Body"].read(), str(response.get("ETag", "")).strip('"')


def _moto_client(region: str) -> Any:
    with _lock:
        client = _clients.get(region)
        if client is None:
            import boto3

            # Credentials come from the environment, which moto fills while active.
            client = boto3.session.Session().client("s3", region_name=region)
            _clients[region] = client
        return client
