"""S3 as the service sees it: objects that requests point at (definitions, READMEs,
batch settings), read from moto's S3 when moto is active, else from memory.

The mock never talks to real S3. An object is read from, in order:

1. objects kept in memory (``MemoryS3``: registered with the control API,
   ``mock.s3.put_object``); a bucket "exists" there once it holds one object,
   so another key in the same bucket is a missing object;
2. moto's S3, when moto's ``mock_aws`` is active in this process.

A missing object (or bucket) in either source is a ``ValidationException``
naming the URI. When neither source knows the bucket, ``read_object`` returns
``None`` and the caller decides how much it needed the content.
"""

from __future__ import annotations

import re
import sys
import threading
from typing import TYPE_CHECKING, Any

from ...wire.errors import ValidationException

if TYPE_CHECKING:
    from ..kernel.state import Backend

_MOTO_MODELS = "moto.core.models"
_S3_URI = re.compile(r"s3://(?P<bucket>[^/]+)/(?P<key>.+)")
_clients: dict[str, Any] = {}
_lock = threading.Lock()


class MemoryS3:
    """Objects kept by the mock itself, by (bucket, key): bytes and ETag."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def put(self, bucket: str, key: str, data: bytes, etag: str) -> None:
        with self._lock:
            self.objects[(bucket, key)] = (data, etag)

    def delete(self, bucket: str, key: str) -> None:
        with self._lock:
            self.objects.pop((bucket, key), None)

    def get(self, bucket: str, key: str) -> tuple[bytes, str] | None:
        return self.objects.get((bucket, key))

    def knows_bucket(self, bucket: str) -> bool:
        return any(known == bucket for known, _ in list(self.objects))


def split_uri(uri: str, member: str) -> tuple[str, str]:
    """``(bucket, key)`` of an ``s3://bucket/key`` URI; ``ValidationException`` otherwise."""
    found = _S3_URI.fullmatch(uri)
    if found is None:
        raise ValidationException(f"The {member} must be an S3 object URI (s3://bucket/key): {uri}")
    return found.group("bucket"), found.group("key")


def moto_is_active() -> bool:
    """True when moto's ``mock_aws`` currently answers botocore requests."""
    models = sys.modules.get(_MOTO_MODELS)
    if models is None:
        return False
    return bool(getattr(getattr(models, "botocore_stubber", None), "enabled", False))


def read_object(
    backend: Backend, uri: str, member: str, *, same_region: bool = False
) -> bytes | None:
    """The object's bytes, or ``None`` if no S3 source knows its bucket."""
    found = read_object_with_etag(backend, uri, member, same_region=same_region)
    return None if found is None else found[0]


def read_object_with_etag(
    backend: Backend, uri: str, member: str, *, same_region: bool = False
) -> tuple[bytes, str] | None:
    """The object's bytes and ETag, or ``None`` if no S3 source knows its bucket.

    Raises ``ValidationException`` when a source knows the bucket but not the
    object, or (``same_region``) when moto's bucket is in another Region.
    """
    bucket, key = split_uri(uri, member)
    memory = backend.state.shared(MemoryS3)
    registered = memory.get(bucket, key)
    if registered is not None:
        return registered
    if memory.knows_bucket(bucket):
        raise _missing(member, uri, "the object does not exist")
    if not moto_is_active():
        return None
    return _read_from_moto(backend.region, bucket, key, uri, member, same_region)


def _read_from_moto(
    region: str, bucket: str, key: str, uri: str, member: str, same_region: bool
) -> tuple[bytes, str]:
    from botocore.exceptions import ClientError

    client = _moto_client(region)
    try:
        if same_region:
            location = client.get_bucket_location(Bucket=bucket).get("LocationConstraint")
            if (location or "us-east-1") != region:
                raise ValidationException(
                    f"The {member} {uri} is in Region {location or 'us-east-1'}; "
                    f"the S3 bucket must be in the same Region as the workflow ({region})."
                )
        response = client.get_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        reason = (
            "the bucket does not exist"
            if code == "NoSuchBucket"
            else (
                "the object does not exist" if code in ("NoSuchKey", "404") else f"S3 said {code}"
            )
        )
        raise _missing(member, uri, reason) from None
    return response["Body"].read(), str(response.get("ETag", "")).strip('"')


def _missing(member: str, uri: str, reason: str) -> ValidationException:
    return ValidationException(f"Unable to read the {member} {uri}: {reason}.")


def _moto_client(region: str) -> Any:
    with _lock:
        client = _clients.get(region)
        if client is None:
            import boto3

            # moto answers whatever the credentials; these never leave the process.
            client = boto3.session.Session(
                aws_access_key_id="AKIAOMICSMOCKS3READER",
                aws_secret_access_key="omics-mock",
                region_name=region,
            ).client("s3")
            _clients[region] = client
        return client
