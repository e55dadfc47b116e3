"""Per-run settings of a batch: where they come from and how they merge.

Settings come inline (``inlineSettings``, 1-100 entries, validated with the
request) or from a JSON array in S3 (``s3UriSettings``, up to 100,000
entries, each validated here against the model's ``InlineSetting`` shape when
it is submitted). A run's StartRun request is ``defaultRunSetting`` with the
entry on top: ``parameters`` and ``runTags`` merge shallowly (the entry's keys
win), ``name``, ``outputUri``, ``priority`` and ``engineSettings`` are
replaced. The batch's own ``tags`` stay on the batch.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ...wire.errors import ValidationException
from ...wire.model import shape_check
from ..outside import s3

if TYPE_CHECKING:
    from ..kernel.state import Backend

MAX_RUNS = 100_000
REPLACED = ("name", "outputUri", "priority", "engineSettings")
NOT_FOR_START_RUN = ("runTags", "outputBucketOwnerId")


def run_request(default: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """The StartRun request for one entry of a batch."""
    request = {k: v for k, v in default.items() if k not in NOT_FOR_START_RUN}
    base, own = default.get("parameters"), entry.get("parameters")
    if _mergeable(base) and _mergeable(own):
        parameters: Any = {**(base or {}), **(own or {})}
    else:  # a document that is not an object: no merge, StartRun's check refuses it
        parameters = own if own is not None else base
    if parameters or "parameters" in default or "parameters" in entry:
        request["parameters"] = parameters
    tags = {**(default.get("runTags") or {}), **(entry.get("runTags") or {})}
    if tags:
        request["tags"] = tags
    for member in REPLACED:
        if entry.get(member) is not None:
            request[member] = entry[member]
    return request


def _mergeable(parameters: Any) -> bool:
    return parameters is None or isinstance(parameters, dict)


def read_settings_file(backend: Backend, uri: str) -> tuple[bytes, str]:
    """The settings file and its ETag, read when the batch is started."""
    found = s3.read_object_with_etag(backend, uri, "batchRunSettings.s3UriSettings")
    if found is None:
        raise ValidationException(
            f"Unable to read s3UriSettings {uri}: omics-mock reads S3 objects registered with "
            "mock.s3.put_object(...) or served by moto's mock_aws, and neither has it."
        )
    return found


def current_etag(backend: Backend, uri: str) -> str | None:
    """The settings file's ETag now, or None if it can no longer be read."""
    try:
        found = s3.read_object_with_etag(backend, uri, "batchRunSettings.s3UriSettings")
    except ValidationException:
        return None
    return None if found is None else found[1]


def parse_settings_file(data: bytes) -> list[dict[str, Any]]:
    """The entries of a settings file; ``ValueError`` says why the batch fails."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"The s3UriSettings file is not valid JSON: {exc}") from None
    if not isinstance(document, list):
        raise ValueError("The s3UriSettings file must hold a JSON array of run settings.")
    if len(document) > MAX_RUNS:
        raise ValueError(f"Batch has {len(document)} runs but {MAX_RUNS} runs is the max.")
    if not document:
        raise ValueError("The s3UriSettings file holds no run settings.")
    return document


def duplicate_problem(setting_ids: list[Any]) -> str | None:
    """The service's message when runSettingIds are not unique."""
    unique = len(set(map(str, setting_ids)))
    if unique != len(setting_ids):
        return f"Expected {len(setting_ids)} unique runSettingIds but there were {unique}"
    return None


def check_entry(entry: Any) -> None:
    """Validate one settings-file entry like the model validates inline settings."""
    members, validate = shape_check("InlineSetting")
    if isinstance(entry, dict):
        if "runId" in entry:
            raise ValidationException("runId is not supported in run batches.")
        unknown = sorted(set(entry) - members)
        if unknown:
            raise ValidationException(f"Unknown run setting field(s): {', '.join(unknown)}.")
    validate(entry)
