"""Fixtures every test module shares (the plugin's come from the entry point)."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import wdl_zip


@pytest.fixture
def omics(omics_client: Any) -> Any:
    """The omics client under the active mock (short name for test bodies)."""
    return omics_client


@pytest.fixture
def workflow(omics: Any) -> str:
    """The id of an ACTIVE private WDL workflow with one required parameter."""
    created = omics.create_workflow(name="wgs", definitionZip=wdl_zip())
    omics.get_waiter("workflow_active").wait(id=created["id"])
    return str(created["id"])
