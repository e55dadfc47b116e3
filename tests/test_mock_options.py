"""``mock_omics``'s options and signatures, and the control API before ``start()``."""

from __future__ import annotations

import pydoc
import warnings
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from omics_mock import mock_omics

from .guards import new_client
from .helpers import OUT, ROLE, wdl_zip


def first_workflow_id(**options: Any) -> str:
    with mock_omics(**options):
        return str(new_client().create_workflow(name="wgs", definitionZip=wdl_zip())["id"])


def test_every_fresh_mock_hands_out_the_same_ids() -> None:
    assert first_workflow_id() == first_workflow_id()


def test_id_seed_changes_the_ids_and_keeps_them_reproducible() -> None:
    seeded = first_workflow_id(id_seed="suite-2")
    assert seeded == first_workflow_id(id_seed="suite-2")
    assert seeded != first_workflow_id()


def test_id_seed_applies_to_decorated_functions() -> None:
    @mock_omics(id_seed=7)
    def body() -> str:
        return str(new_client().create_workflow(name="wgs", definitionZip=wdl_zip())["id"])

    assert body() == first_workflow_id(id_seed=7)


def test_help_shows_the_real_signature() -> None:
    text = pydoc.render_doc(mock_omics, renderer=pydoc.plaintext)
    assert "id_seed: 'str | int | None' = None" in text
    assert "-> 'F | OmicsMock'" in text
    assert "-> Any" not in text and "-> 'Any'" not in text


def test_settings_made_before_start_apply_when_it_starts() -> None:
    mock = mock_omics()
    mock.settings.durations.workflow_creating = timedelta(seconds=60)
    mock.faults.inject("ListWorkflows", "AccessDeniedException")
    with mock:
        client = new_client()
        created = client.create_workflow(name="wgs", definitionZip=wdl_zip())
        assert client.get_workflow(id=created["id"])["status"] == "CREATING"
        with pytest.raises(ClientError):
            client.list_workflows()


def test_a_configured_mock_that_joins_an_active_one_warns() -> None:
    with mock_omics() as outer:
        joining = mock_omics()
        joining.settings.quotas.max_workflows = 0
        with pytest.warns(RuntimeWarning, match="its configuration is ignored"), joining:
            assert joining.settings is outer.settings
        assert outer.settings.quotas.max_workflows != 0


def test_a_fresh_mock_joins_an_active_one_silently() -> None:
    with mock_omics(), warnings.catch_warnings():
        warnings.simplefilter("error")
        with mock_omics():
            pass


def test_run_control_accepts_an_int_run_id() -> None:
    with mock_omics() as mock:
        client = new_client()
        workflow = client.create_workflow(name="wgs", definitionZip=wdl_zip())["id"]
        client.get_waiter("workflow_active").wait(id=workflow)
        run_id = client.start_run(
            workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "s"}
        )["id"]
        mock.runs.fail(int(run_id))
        run = client.get_run(id=run_id)
        assert (run["status"], run["failureReason"]) == ("FAILED", "WORKFLOW_RUN_FAILED")


def test_run_control_refuses_an_id_of_another_type() -> None:
    with mock_omics() as mock, pytest.raises(TypeError, match="run_id must be a string"):
        mock.runs.fail(1234567.0)  # type: ignore[arg-type]
