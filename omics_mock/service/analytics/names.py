"""Names of analytics resources: ARNs (by name, not ID), store kinds, not-found wording.

Store and version ARNs carry names: ``…:variantStore/<name>``,
``…:annotationStore/<name>`` and ``…:annotationStore/<name>/version/<versionName>``.
Store and version IDs are 12 lower-case hex characters; import job IDs are uuid4s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...wire.errors import ResourceNotFoundException, ValidationException

VARIANT = "variant"
ANNOTATION = "annotation"

ARN_KIND = {VARIANT: "variantStore", ANNOTATION: "annotationStore"}
NOUN = {VARIANT: "Variant store", ANNOTATION: "Annotation store"}
SHARE_TYPE = {VARIANT: "VARIANT_STORE", ANNOTATION: "ANNOTATION_STORE"}
ID_LENGTH = 12

_STORE_ARN = re.compile(
    r"arn:aws[a-z-]*:omics:(?P<region>[^:]+):(?P<account>\d{12}):"
    r"(?P<kind>variantStore|annotationStore)/(?P<name>[^/]+)"
)


@dataclass(frozen=True, slots=True)
class StoreArn:
    """A variant or annotation store ARN's parts."""

    region: str
    account_id: str
    kind: str
    """``variant`` or ``annotation``."""
    name: str


def parse_store_arn(arn: str) -> StoreArn | None:
    found = _STORE_ARN.fullmatch(arn)
    if found is None:
        return None
    kind = VARIANT if found["kind"] == "variantStore" else ANNOTATION
    return StoreArn(found["region"], found["account"], kind, found["name"])


def version_resource(store_name: str, version_name: str) -> str:
    """The resource part of a version ARN."""
    return f"annotationStore/{store_name}/version/{version_name}"


def store_not_found(kind: str, name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"{NOUN[kind]} {name} not found")


def version_not_found(version_name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Annotation store version {version_name} not found")


def job_not_found(job_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Import job {job_id} not found")


def check_label(value: str, member: str) -> str:
    """A name from the request path: an empty one is a ValidationException."""
    if not value:
        raise ValidationException(f"{member} must not be empty.")
    return value
