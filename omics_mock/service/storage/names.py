"""Names of storage resources: IDs, ARNs, ``omics://`` URIs, S3 access points.

IDs are 10 digits (the model allows 10-36; the workflow plane's are 7), drawn
from the backend's allocator, so they are unique across every kind of resource
in one account and Region.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

ID_DIGITS = 10

OMICS_URI = re.compile(
    r"omics://(\d{10,12})\.storage\.([a-z]{2}-[a-z-]{4,}-\d+)\.amazonaws\.com/"
    r"(\d{10,36})/(readSet|reference)/(\d{10,36})(?:/(source[12]?|index))?",
    re.IGNORECASE,
)
"""The client parser's pattern (aws-healthomics-tools ``uriparse``), anchored."""

_ARN = re.compile(
    r"arn:aws[a-z-]*:omics:(?P<region>[^:]+):(?P<account>\d{12}):"
    r"(?P<kind>sequenceStore|referenceStore)/(?P<store>\d+)/(?P<child>readSet|reference)/(?P<id>\d+)"
)

_ALIAS_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True, slots=True)
class StorageUri:
    """A parsed ``omics://`` URI: whose, where, which store, which resource, which file."""

    account_id: str
    region: str
    store_id: str
    kind: str
    """``readSet`` or ``reference``."""
    resource_id: str
    file: str
    """``source1``, ``source2``, ``index`` or ``source`` (lower case)."""


def parse_storage_uri(text: str) -> StorageUri | None:
    """The URI's parts, or ``None`` if it is not a HealthOmics storage URI."""
    found = OMICS_URI.fullmatch(text)
    if found is None:
        return None
    account, region, store, kind, resource, file = found.groups()
    kind = "readSet" if kind.lower() == "readset" else "reference"
    default = "source1" if kind == "readSet" else "source"
    return StorageUri(account, region.lower(), store, kind, resource, (file or default).lower())


def storage_uri(account_id: str, region: str, store_id: str, kind: str, resource_id: str) -> str:
    return f"omics://{account_id}.storage.{region}.amazonaws.com/{store_id}/{kind}/{resource_id}"


@dataclass(frozen=True, slots=True)
class ChildArn:
    """A read set or reference ARN's parts."""

    region: str
    account_id: str
    store_id: str
    kind: str
    """``readSet`` or ``reference``."""
    resource_id: str


def parse_child_arn(arn: str) -> ChildArn | None:
    found = _ARN.fullmatch(arn)
    if found is None:
        return None
    return ChildArn(found["region"], found["account"], found["store"], found["child"], found["id"])


def access_point_name(account_id: str, store_id: str) -> str:
    return f"{account_id}-{store_id}"


def access_point_arn(region: str, account_id: str, store_id: str) -> str:
    return f"arn:aws:s3:{region}:{account_id}:accesspoint/{access_point_name(account_id, store_id)}"


def access_point_alias(account_id: str, region: str, store_id: str) -> str:
    """``<account>-<store[:7]>-<34 letters or digits>-s3alias`` (63 characters), fixed
    for a given account, Region and store."""
    seed = hashlib.sha256(f"{account_id}/{region}/{store_id}".encode()).digest()
    letters = "".join(_ALIAS_LETTERS[b % len(_ALIAS_LETTERS)] for b in seed * 2)[:34]
    return f"{account_id}-{store_id[:7]}-{letters}-s3alias"


def store_s3_uri(alias: str, account_id: str, store_id: str) -> str:
    return f"s3://{alias}/{account_id}/sequenceStore/{store_id}/"


def upload_file_names(name: str, file_type: str) -> dict[str, str]:
    """Object names of a direct upload's files (spec §2)."""
    if file_type == "FASTQ":
        return {"source1": f"{name}_source1.fastq.gz", "source2": f"{name}_source2.fastq.gz"}
    extension = "cram" if file_type == "CRAM" else "bam"
    return {"source1": f"{name}.{extension}"}


def import_file_names(source1: str, source2: str | None) -> dict[str, str]:
    """Object names of an import's files: the source file names, told apart on a clash."""
    first = source1.rsplit("/", 1)[-1]
    if source2 is None:
        return {"source1": first}
    second = source2.rsplit("/", 1)[-1]
    if first == second:
        first, second = _marked(first, "source1"), _marked(second, "source2")
    return {"source1": first, "source2": second}


def _marked(name: str, source: str) -> str:
    for suffix in (".fastq.gz", ".fq.gz", ".fastq", ".fq"):
        if name.endswith(suffix):
            return f"{name[: -len(suffix)]}_{source}{suffix}"
    return f"{name}_{source}"


def index_file_name(source_name: str, file_type: str) -> str:
    return f"{source_name}.{'crai' if file_type == 'CRAM' else 'bai'}"


def storage_uris_in(value: object) -> tuple[list[StorageUri], list[str]]:
    """The ``omics://`` URIs anywhere in a run's parameters: parsed, and those that do
    not parse (as given)."""
    parsed: list[StorageUri] = []
    broken: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item[:8].lower() == "omics://":
                uri = parse_storage_uri(item)
                if uri is None:
                    broken.append(item)
                else:
                    parsed.append(uri)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return parsed, broken
