"""Format rules of annotation stores, versions and imports (spec §2.4).

* ``storeOptions.tsvStoreOptions`` (and ``versionOptions.tsvVersionOptions``)
  belong to TSV stores only, and a TSV store needs them: an ``annotationType``, a
  ``schema`` of distinct column names, and a ``formatToHeader`` with exactly the
  keys the annotation type uses (CHR_START_END_* → CHR, START, END; *_REF_ALT_*
  add REF, ALT; CHR_POS → CHR, POS; GENERIC → none), each naming a schema column.
* A store's ``reference`` is required except for TSV stores of GENERIC annotations.
* An import's ``formatOptions``: ``tsvOptions`` for TSV stores, ``vcfOptions`` for
  VCF stores, neither for GFF stores.

Breaking one is a ValidationException (the wording is omics-mock's own).
"""

from __future__ import annotations

from typing import Any

from ...wire.errors import ValidationException

TSV, VCF, GFF = "TSV", "VCF", "GFF"
GENERIC = "GENERIC"
HEADER_KEYS: dict[str, tuple[str, ...]] = {
    GENERIC: (),
    "CHR_POS": ("CHR", "POS"),
    "CHR_POS_REF_ALT": ("CHR", "POS", "REF", "ALT"),
    "CHR_START_END_ONE_BASE": ("CHR", "START", "END"),
    "CHR_START_END_ZERO_BASE": ("CHR", "START", "END"),
    "CHR_START_END_REF_ALT_ONE_BASE": ("CHR", "START", "END", "REF", "ALT"),
    "CHR_START_END_REF_ALT_ZERO_BASE": ("CHR", "START", "END", "REF", "ALT"),
}
FORMAT_OPTIONS = {TSV: "tsvOptions", VCF: "vcfOptions"}


def store_tsv_options(store_format: str, store_options: dict[str, Any] | None) -> None:
    """CreateAnnotationStore's ``storeOptions`` for a store of ``store_format``."""
    tsv = (store_options or {}).get("tsvStoreOptions")
    if store_format != TSV:
        if store_options:
            raise ValidationException(
                f"storeOptions apply to TSV annotation stores only, not to {store_format}."
            )
        return
    if tsv is None:
        raise ValidationException("A TSV annotation store needs storeOptions.tsvStoreOptions.")
    check_tsv(tsv, "storeOptions.tsvStoreOptions")


def version_tsv_options(store_format: str, version_options: dict[str, Any] | None) -> None:
    """CreateAnnotationStoreVersion's ``versionOptions`` for a store of ``store_format``."""
    if version_options is None:
        return
    if store_format != TSV:
        raise ValidationException(
            f"versionOptions apply to versions of TSV annotation stores only, not {store_format}."
        )
    tsv = version_options.get("tsvVersionOptions")
    if tsv is None:
        raise ValidationException("versionOptions needs tsvVersionOptions.")
    check_tsv(tsv, "versionOptions.tsvVersionOptions")


def check_tsv(options: dict[str, Any], member: str) -> None:
    """annotationType, schema and formatToHeader agree (see the module's rules)."""
    annotation_type = options.get("annotationType")
    if annotation_type is None:
        raise ValidationException(f"{member}.annotationType is required for TSV annotations.")
    schema = options.get("schema")
    if not schema:
        raise ValidationException(f"{member}.schema is required for TSV annotations.")
    columns = [name for item in schema for name in item]
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise ValidationException(f"{member}.schema names a column twice: {', '.join(repeated)}.")
    header = options.get("formatToHeader") or {}
    wanted = HEADER_KEYS.get(annotation_type, ())
    if set(header) != set(wanted):
        keys = ", ".join(wanted) if wanted else "no keys"
        raise ValidationException(
            f"{member}.formatToHeader for annotationType {annotation_type} takes {keys}; "
            f"got {', '.join(sorted(header)) or 'none'}."
        )
    unknown = sorted(value for value in header.values() if value not in columns)
    if unknown:
        raise ValidationException(
            f"{member}.formatToHeader names columns the schema lacks: {', '.join(unknown)}."
        )


def reference_required(store_format: str, store_options: dict[str, Any] | None) -> bool:
    """Every annotation store needs a reference except a TSV store of GENERIC annotations."""
    tsv = (store_options or {}).get("tsvStoreOptions") or {}
    return not (store_format == TSV and tsv.get("annotationType") == GENERIC)


def check_format_options(store_format: str, format_options: dict[str, Any] | None) -> None:
    """StartAnnotationImportJob's ``formatOptions`` fit the destination store's format."""
    if not format_options:
        return
    allowed = FORMAT_OPTIONS.get(store_format)
    given = sorted(format_options)
    if allowed is None or given != [allowed]:
        fits = f"only {allowed}" if allowed else "no formatOptions"
        raise ValidationException(
            f"{', '.join(given)} do not apply to a {store_format} annotation store ({fits})."
        )


def tsv_columns(options: dict[str, Any] | None) -> list[str]:
    """Column names of a TSV store's or version's schema (empty when none)."""
    if not options:
        return []
    tsv = options.get("tsvStoreOptions") or options.get("tsvVersionOptions") or {}
    return [name for item in tsv.get("schema") or [] for name in item]
