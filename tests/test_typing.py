"""Type checkers see the install: ``mypy --strict`` passes on a typed user test.

The user test (tests/typed_user_code.py) is copied out of the repository and
checked there, so mypy finds ``omics_mock`` the way a user's project does:
through the installed distribution (an editable install in the README's set-up).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
USER_TEST = Path(__file__).parent / "typed_user_code.py"
CACHE = Path(tempfile.gettempdir()) / "omics-mock-mypy-cache"


def mypy_strict(path: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(CACHE), path.name],
        cwd=path.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_typed_user_test_passes_mypy_strict_against_the_install(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    user_test = tmp_path / "test_pipeline.py"
    shutil.copy(USER_TEST, user_test)
    result = mypy_strict(user_test)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 1 source file" in result.stdout


def test_mypy_strict_reports_a_type_error_in_a_user_test(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    user_test = tmp_path / "test_wrong.py"
    user_test.write_text(
        "from omics_mock import mock_omics\n\n\n"
        "@mock_omics\n"
        "def test_count() -> int:\n"
        "    return 1\n\n\n"
        "wrong: str = test_count()\n"
    )
    result = mypy_strict(user_test)
    assert 'Incompatible types in assignment (expression has type "int"' in result.stdout


def test_an_editable_install_names_the_repository_root() -> None:
    """A ``.pth`` path entry, not an import hook mypy cannot follow."""
    site_packages = Path(sysconfig.get_paths()["purelib"])
    found = sorted(site_packages.glob("__editable__.omics_mock-*.pth"))
    if not found:
        pytest.skip("omics-mock is not installed in editable mode here")
    lines = found[0].read_text().split()
    assert not any(line.startswith("import") for line in lines), lines
    assert [Path(line).resolve() for line in lines] == [ROOT]
