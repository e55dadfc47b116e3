"""omics-mock's build backend: setuptools' own, with editable installs in compat mode.

``pip install -e .`` asks the backend for a PEP 660 editable wheel. For a flat
layout (``omics_mock/`` at the repository root) setuptools' default editable
wheel installs an import hook, which Python follows but type checkers do not:
mypy and pyright then report ``Cannot find implementation or library stub for
module named "omics_mock"``. In ``compat`` mode the wheel holds a ``.pth`` file
naming the repository root instead, which every tool reads. Every other hook,
and an explicit ``--config-settings editable_mode=...``, is setuptools' own.
"""

from __future__ import annotations

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


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """setuptools' editable wheel, in ``editable_mode=compat`` unless told otherwise."""
    settings = dict(config_settings or {})
    if "editable-mode" not in settings and "editable_mode" not in settings:
        settings["editable_mode"] = "compat"
    return _setuptools.build_editable(wheel_directory, settings, metadata_directory)
