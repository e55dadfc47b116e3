"""The test helpers themselves: what other tests rely on."""

from __future__ import annotations

from freezegun import freeze_time

from .helpers import wdl_zip, zip_bytes


def test_archives_built_seconds_apart_are_identical() -> None:
    """Digest comparisons between two builds must not depend on the clock."""
    with freeze_time("2024-05-01 12:00:00"):
        first = zip_bytes({"main.wdl": "version 1.0", "lib/x.wdl": b"task x {}"})
    with freeze_time("2031-09-09 23:59:58"):
        second = zip_bytes({"main.wdl": "version 1.0", "lib/x.wdl": b"task x {}"})
    assert first == second


def test_default_wdl_archive_is_stable_across_a_two_second_boundary() -> None:
    """Zip times have a two-second resolution; this crosses one."""
    with freeze_time("2024-05-01 12:00:01.999"):
        first = wdl_zip()
    with freeze_time("2024-05-01 12:00:02.001"):
        second = wdl_zip()
    assert first == second
