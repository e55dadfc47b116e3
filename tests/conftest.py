"""Fixtures every test module shares (the plugin's come from the entry point)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from .helpers import wdl_zip

HYPOTHESIS_HOME = Path(tempfile.gettempdir()) / "omics-mock-hypothesis"
"""hypothesis keeps its example database and caches here, not in the repository."""

set_hypothesis_home_dir(HYPOTHESIS_HOME)


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


@pytest.fixture
def start(omics: Any, workflow: str) -> Any:
    """Start a run of ``workflow`` with valid defaults; keyword arguments override."""
    from .helpers import OUT, ROLE

    def start_run(**overrides: Any) -> str:
        request: dict[str, Any] = {
            "workflowId": workflow,
            "roleArn": ROLE,
            "outputUri": OUT,
            "parameters": {"sample": "NA12878"},
        }
        request.update(overrides)
        return str(omics.start_run(**request)["id"])

    return start_run


@pytest.fixture
def clock(omics_mock: Any) -> Any:
    """The active mock's virtual clock."""
    return omics_mock.clock


@pytest.fixture
def workflow_zip_client() -> Any:
    """A factory of omics clients for tests that activate their own mock."""
    from omics_mock.pytest_plugin import omics_client_for

    return omics_client_for


@pytest.fixture
def sequence_store(omics: Any) -> str:
    """The id of an ACTIVE sequence store."""
    store_id = str(omics.create_sequence_store(name="cohort")["id"])
    assert omics.get_sequence_store(id=store_id)["status"] == "ACTIVE"
    return store_id


@pytest.fixture
def storage(omics_mock: Any) -> Any:
    """The active mock's storage settings, with small parts served (many parts, little data)."""
    omics_mock.settings.storage.read_part_size = 64
    return omics_mock.settings.storage


@pytest.fixture
def reference_arn(omics: Any, omics_mock: Any) -> str:
    """The ARN of an ACTIVE reference (for variant and annotation stores)."""
    from .analytics_helpers import import_reference

    return import_reference(omics, omics_mock)


@pytest.fixture
def variant_store(omics: Any, reference_arn: str) -> str:
    """The name of an ACTIVE variant store."""
    omics.create_variant_store(name="cohort_calls", reference={"referenceArn": reference_arn})
    omics.get_waiter("variant_store_created").wait(name="cohort_calls")
    return "cohort_calls"
