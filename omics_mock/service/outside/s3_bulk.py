"""Objects put into a plain moto bucket in bulk, as moto's ``S3Backend.put_object`` puts them.

moto makes every object through ``FakeKey.__init__``, which reads the real clock
twice, reads an environment variable, and makes a dozen helper objects; a large
simulation writes hundreds of thousands of objects. Here one key is made by moto's
own constructor (the model) and every other key is a copy of it: the values that
cannot change are shared, and those that can (its metadata, body buffer, lock, restore
transitions) are made anew for each key. The keys of one hand-over share one "private"
ACL, as moto makes it: moto never changes an ACL, it replaces a key's ACL with a new one.
A body buffer is the model's ``SpooledTemporaryFile`` with a buffer of its own holding
the body, as writing the body to a new one would leave it (bodies larger than it keeps
in memory are written to a new one).

That holds only for the moto code it was written against and for plain buckets: if
the code of ``FakeKey.__init__`` or ``S3Backend.put_object`` names anything else, a
value of the model is of a type that could change, or the bucket is versioned,
encrypted or notifies anyone, moto's ``put_object`` does the work.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import tempfile
import threading
from typing import Any

from .fingerprint import names_match

_KEY_INIT_NAMES = frozenset(
    {
        "Lock",
        "LowercaseDict",
        "ManagedState",
        "SpooledTemporaryFile",
        "__init__",
        "_etag",
        "_expiry",
        "_is_versioned",
        "_max_buffer_size",
        "_metadata",
        "_storage_class",
        "_value_buffer",
        "_version_id",
        "account_id",
        "acl",
        "bucket_key_enabled",
        "bucket_name",
        "checksum_algorithm",
        "checksum_parts",
        "checksum_type",
        "checksum_value",
        "disposed",
        "encryption",
        "get_canned_acl",
        "get_partition",
        "get_s3_default_key_buffer_size",
        "kms_key_id",
        "last_modified",
        "lock",
        "lock_legal_status",
        "lock_mode",
        "lock_until",
        "multipart",
        "name",
        "partition",
        "region_name",
        "tempfile",
        "threading",
        "utcnow",
        "value",
        "website_redirect_location",
    }
)
_VALUE_NAMES = frozenset(
    {
        "DEFAULT_TEXT_ENCODING",
        "_value_buffer",
        "contentsize",
        "encode",
        "isinstance",
        "len",
        "seek",
        "str",
        "truncate",
        "write",
    }
)
_PUT_NAMES = frozenset(
    {
        "FakeKey",
        "InvalidStorageClass",
        "OBJECT_CREATED_POST_EVENT",
        "OBJECT_CREATED_PUT_EVENT",
        "S3NotificationEvent",
        "STORAGE_CLASS",
        "account_id",
        "encryption",
        "get",
        "get_bucket",
        "getlist",
        "is_versioned",
        "keys",
        "notifications",
        "random",
        "region_name",
        "send_event",
        "setlist",
        "str",
        "uuid4",
    }
)
_FRESH = frozenset(
    {"_transitions", "name", "acl", "_metadata", "_value_buffer", "contentsize", "lock"}
)
"""A key's attributes made for each key; it shares the others with the model."""
_BUFFER_NAMES = frozenset({"_file", "_max_size", "_rolled", "_TemporaryFileArgs"})
"""What a new ``SpooledTemporaryFile`` holds (Python 3.10 to 3.13): its settings, which
nothing changes in place, and its in-memory file."""
_SHARED_TYPES = (str, int, float, bool, type(None), _dt.datetime)
"""Types of values a key may share with the model: nothing changes them in place."""


class Keys:
    """Makes the objects of one plain bucket, as ``put_object`` would, from one model key."""

    def __init__(self, bucket: Any, model: Any) -> None:
        from moto.s3 import models

        self._bucket, self._model = bucket, model
        self._state = dict(vars(model))
        """The model's attributes, in its order (those in ``_FRESH`` are replaced)."""
        self._cls: Any = models.FakeKey
        self._acl = model.acl
        """The model's "private" ACL, which every key shares (moto replaces ACLs, never
        changes one)."""
        self._metadata = model._metadata
        self._transitions = model._transitions
        self._buffer_size = model._max_buffer_size
        self._buffer = dict(vars(model._value_buffer))
        """The model's buffer's attributes (the settings of a buffer, and its own file)."""

    def put(self, key: str, body: bytes) -> None:
        """Put ``body`` at ``key`` (replacing what is there, as an unversioned bucket does)."""
        buffer = self._new_buffer(body)
        cls = self._cls
        made = object.__new__(cls)
        cls.instances_tracked.append(made)
        state = made.__dict__
        state.update(self._state)
        state["_transitions"] = list(self._transitions)
        state["name"] = key
        state["acl"] = self._acl
        metadata = state["_metadata"] = object.__new__(type(self._metadata))
        metadata.store = dict(self._metadata.store)
        state["_value_buffer"] = buffer
        state["contentsize"] = len(body)
        state["lock"] = threading.Lock()
        keys = self._bucket.keys
        if dict.get(keys, key) is None:
            dict.__setitem__(keys, key, [made])
        else:
            keys.setlist(key, [made])

    def _new_buffer(self, body: bytes) -> Any:
        """A ``SpooledTemporaryFile`` holding ``body``, at its end, as moto leaves it."""
        if len(body) > self._buffer_size:  # it goes to a file: the real thing
            buffer = tempfile.SpooledTemporaryFile(self._buffer_size)  # noqa: SIM115 - moto keeps it open
            buffer.write(body)
            return buffer
        kind: Any = tempfile.SpooledTemporaryFile
        buffer = kind.__new__(kind)
        state = buffer.__dict__
        state.update(self._buffer)
        data = state["_file"] = io.BytesIO(body)
        data.seek(0, io.SEEK_END)
        return buffer

    def close(self) -> None:
        """Let go of the model (moto disposes of a key it drops)."""
        self._model.dispose()


def keys_for(backend: Any, bucket_name: str) -> Keys | None:
    """The bulk maker of ``bucket_name``'s objects, or ``None`` where moto must make them
    (another moto, or a bucket that is versioned, encrypted or notifies); raises what
    moto raises for a bucket it cannot find."""
    if not _matches():
        return None
    bucket = backend.get_bucket(bucket_name)
    if bucket.is_versioned or bucket.encryption or bucket.notification_configuration is not None:
        return None
    from moto.s3 import models

    key_class: Any = models.FakeKey
    tracked = key_class.instances_tracked
    model = models.FakeKey(
        name="",
        bucket_name=bucket_name,
        value=b"",
        account_id=backend.account_id,
        region_name=backend.region_name,
        storage=None,
        etag=None,
        is_versioned=False,
        version_id="null",
        multipart=None,
        encryption=None,
        kms_key_id=None,
        bucket_key_enabled=None,
        lock_mode=None,
        lock_legal_status=None,
        lock_until=None,
        checksum_value=None,
    )
    if tracked and tracked[-1] is model:
        tracked.pop()  # the model is no object of the bucket
    state = vars(model)
    shared = [value for name, value in state.items() if name not in _FRESH]
    if (
        not set(state) >= _FRESH
        or not isinstance(model._transitions, list)
        or set(vars(model._metadata)) != {"store"}
        or set(vars(model._value_buffer)) != _BUFFER_NAMES
        or type(model._value_buffer._file) is not io.BytesIO
        or not all(type(value) in _SHARED_TYPES for value in shared)
    ):
        model.dispose()  # pragma: no cover - another moto
        return None
    return Keys(bucket, model)


@functools.cache
def _matches() -> bool:
    """Whether moto's code is the code the bulk maker does the work of."""
    try:
        from moto.s3 import models
    except ImportError:  # pragma: no cover - moto is optional
        return False
    value = models.FakeKey.__dict__.get("value")
    expected = (
        (models.FakeKey.__dict__.get("__init__"), _KEY_INIT_NAMES),
        (getattr(value, "fset", None), _VALUE_NAMES),
        (models.S3Backend.__dict__.get("put_object"), _PUT_NAMES),
    )
    if not all(names_match(function, names) for function, names in expected):
        return False  # pragma: no cover - another moto
    return isinstance(getattr(models.FakeKey, "instances_tracked", None), list)
