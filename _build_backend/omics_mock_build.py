"""omics-mock's build backend: setuptools' own, except for editable installs.

``pip install -e .`` asks the backend for a PEP 660 editable wheel. For a flat
layout (``omics_mock/`` at the repository root) setuptools' editable wheel
installs an import hook, which Python follows but type checkers do not: mypy and
pyright report ``Cannot find implementation or library stub for module named
"omics_mock"``. This backend's editable wheel holds setuptools' metadata (entry
points included) and a ``.pth`` file naming the repository root, which every
tool reads; new modules need no reinstall. (setuptools' ``editable_mode=compat``
does the same, but is deprecated.) An explicit ``--config-settings
editable_mode=...`` gets setuptools' own editable wheel.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401 (the PEP 517 hooks this backend re-exports)
    build_sdist,
    build_wheel,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

ROOT = Path(__file__).resolve().parent.parent
WHEEL = (
    "Wheel-Version: 1.0\nGenerator: omics_mock_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
)


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """An editable wheel: the metadata, and a ``.pth`` naming the repository root."""
    if config_settings and ({"editable-mode", "editable_mode"} & set(config_settings)):
        built: str = _setuptools.build_editable(
            wheel_directory, config_settings, metadata_directory
        )
        return built
    if metadata_directory is not None:  # the .dist-info a prepare_metadata hook made
        return _write_wheel(Path(wheel_directory), Path(metadata_directory))
    with tempfile.TemporaryDirectory() as scratch:
        dist_info: str = _setuptools.prepare_metadata_for_build_editable(scratch, config_settings)
        return _write_wheel(Path(wheel_directory), Path(scratch) / dist_info)


def _write_wheel(wheel_directory: Path, dist_info: Path) -> str:
    name, version = dist_info.name[: -len(".dist-info")].split("-", 1)
    files: dict[str, bytes] = {
        f"__editable__.{name}-{version}.pth": f"{ROOT}\n".encode(),
    }
    for found in sorted(dist_info.rglob("*")):
        if found.is_file() and found.name not in ("RECORD", "WHEEL"):
            inside = found.relative_to(dist_info).as_posix()
            files[f"{dist_info.name}/{inside}"] = found.read_bytes()
    files[f"{dist_info.name}/WHEEL"] = WHEEL.encode()
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in files.items()]
    record.append(f"{dist_info.name}/RECORD,,")
    files[f"{dist_info.name}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel_name = f"{name}-{version}-0.editable-py3-none-any.whl"
    with zipfile.ZipFile(wheel_directory / wheel_name, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return wheel_name


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
