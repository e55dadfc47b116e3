"""docs/simulated.md lists every operation of the model with its true status.

``python -m tests.test_simulated_table`` prints the table to paste into the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import omics_mock.service  # noqa: F401 (registers every family's operations)
from omics_mock.service.kernel.state import OPERATIONS
from omics_mock.wire.model import service_spec

PAGE = Path(__file__).resolve().parent.parent / "docs" / "simulated.md"
ROW = re.compile(r"^\| `(?P<operation>\w+)` \| `(?P<host>[\w-]*)` \| (?P<status>[^|]+?) \|", re.M)
GUIDES = {
    "workflows": "workflows.md",
    "tags": "workflows.md#tags",
    "runs": "runs.md",
    "run_groups": "groups-caches-networking.md#run-groups",
    "run_caches": "groups-caches-networking.md#run-caches",
    "configurations": "groups-caches-networking.md#configurations",
    "shares": "groups-caches-networking.md#shares",
    "batches": "batches.md",
    "sequence_stores": "storage.md#sequence-stores",
    "read_sets": "storage.md#read-sets",
    "read_set_jobs": "storage.md#jobs",
    "references": "storage.md#references",
    "variant_stores": "analytics.md#a-variant-store-and-a-vcf-import",
    "annotation_stores": "analytics.md#annotation-stores-and-versions",
    "analytics_jobs": "analytics.md#lifecycles-and-timings",
}
SIMULATED, NOT_SIMULATED = "simulated", "answers `NotSupportedOperationException`"


def expected_rows() -> list[str]:
    rows = []
    for name, spec in sorted(service_spec().operations.items()):
        binding = OPERATIONS.get(name)
        status = SIMULATED if binding is not None else NOT_SIMULATED
        guide = ""
        if binding is not None:
            package = binding.family.__module__.split(".")[2]
            if package in GUIDES:
                guide = f"[guide]({GUIDES[package]})"
        rows.append(f"| `{name}` | `{spec.host_prefix or ''}` | {status} | {guide} |")
    return rows


def test_every_operation_is_listed_once_with_its_status() -> None:
    listed = {
        m.group("operation"): (m.group("host"), m.group("status"))
        for m in ROW.finditer(PAGE.read_text())
    }
    expected = {
        m.group("operation"): (m.group("host"), m.group("status"))
        for m in ROW.finditer("\n".join(expected_rows()))
    }
    assert listed == expected, "docs/simulated.md is stale; the rows should be:\n" + "\n".join(
        expected_rows()
    )


def test_the_page_counts_match_its_table() -> None:
    text = PAGE.read_text()
    simulated = sum(1 for row in expected_rows() if f"| {SIMULATED} |" in row)
    assert f"{simulated} of the model's {len(expected_rows())} operations" in text


if __name__ == "__main__":
    print("\n".join(expected_rows()))
