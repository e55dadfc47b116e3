"""The test suite writes nothing into the repository."""

from __future__ import annotations

from pathlib import Path

from hypothesis import settings
from hypothesis.configuration import storage_directory
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent


def test_hypothesis_writes_outside_the_repository() -> None:
    home = storage_directory(intent_to_write=False).home_directory
    assert not home.resolve().is_relative_to(ROOT)
    database = settings.default.database  # None under CI=true (hypothesis' "ci" profile)
    if database is not None:
        assert isinstance(database, DirectoryBasedExampleDatabase)
        assert not Path(database.path).resolve().is_relative_to(ROOT)


def test_pytest_cache_is_off() -> None:
    assert '"-p no:cacheprovider"' in (ROOT / "pyproject.toml").read_text()
