"""Bugs the model-driven fuzzer (tests/test_fuzz.py) found, each with its minimal example."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import omics_client_for

from .helpers import OUT, ROLE, error_of
from .shape_check import assert_matches_output_shape

NO_RETRIES = {"mode": "standard", "total_max_attempts": 1}


@pytest.fixture
def lenient(omics_mock: Any) -> Iterator[Any]:
    """A client whose own parameter validation is off: the mock sees everything."""
    yield omics_client_for(
        "us-east-1", config=Config(parameter_validation=False, retries=NO_RETRIES)
    )


@pytest.fixture
def batch_of(omics: Any, omics_mock: Any, workflow: str) -> Any:
    """Start a batch of ``workflow`` and let it submit its runs; returns its entries."""

    def run_batch(default: dict[str, Any], inline: list[dict[str, Any]]) -> list[dict[str, Any]]:
        settings = {"workflowId": workflow, "roleArn": ROLE, **default}
        batch = omics.start_run_batch(
            defaultRunSetting=settings, batchRunSettings={"inlineSettings": inline}
        )["id"]
        omics_mock.clock.advance(minutes=2)
        return list(omics.list_runs_in_batch(batchId=batch)["runs"])

    return run_batch


# -- empty URI labels --------------------------------------------------------------
# botocore renders an empty label as an empty path segment (``/share/``); the
# mock routed that path instead of answering the operation botocore named.


def test_empty_label_that_the_model_allows_reaches_the_operation(omics: Any) -> None:
    # was: UnknownOperationException (not a modelled error), "No operation matches GET /share/"
    with pytest.raises(ClientError) as excinfo:
        omics.get_share(shareId="")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert message == "Share  not found"


def test_empty_labels_are_answered_by_the_operation_botocore_named(
    omics: Any, omics_mock: Any
) -> None:
    # was: UnknownOperationException for POST /annotationStore//version/
    with pytest.raises(ClientError) as excinfo:
        omics.update_annotation_store_version(name="", versionName="")
    assert error_of(excinfo) == ("ValidationException", 400, "name must not be empty.")
    assert [r.operation for r in omics_mock.requests] == ["UpdateAnnotationStoreVersion"]


def test_empty_label_is_not_answered_by_the_operation_at_the_parent_path(
    omics: Any, omics_mock: Any
) -> None:
    # was: POST /annotationStore/ validated as CreateAnnotationStore ("storeFormat" null)
    with pytest.raises(ClientError) as excinfo:
        omics.update_annotation_store(name="")
    assert error_of(excinfo) == ("ValidationException", 400, "name must not be empty.")
    assert [r.operation for r in omics_mock.requests] == ["UpdateAnnotationStore"]


def test_empty_label_below_the_minimum_length_is_a_validation_error(lenient: Any) -> None:
    # was: GET /run/ answered as ListRuns (a 200 with an empty GetRun)
    with pytest.raises(ClientError) as excinfo:
        lenient.get_run(id="")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "Value '' at 'id' failed to satisfy constraint: " in message
    assert "Member must have length greater than or equal to 1" in message


# -- text -------------------------------------------------------------


def test_lone_surrogate_in_a_refused_value_is_a_validation_error(lenient: Any) -> None:
    # was: InternalServerException (500): the message could not be encoded as UTF-8
    with pytest.raises(ClientError) as excinfo:
        lenient.create_run_group(name="\ud800")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "Value '\ud800' at 'name' failed to satisfy constraint" in message


def test_lone_surrogate_in_a_document_comes_back_unchanged(
    omics: Any, workflow: str, start: Any
) -> None:
    # documents take any JSON string, "\ud800" included; GetRun used to answer 500
    run = start(parameters={"sample": "a\ud800"})
    got = omics.get_run(id=run)
    assert got["parameters"] == {"sample": "a\ud800"}
    assert_matches_output_shape("GetRun", got)


# -- batches -------------------------------------------------------------------------


def test_batch_run_without_an_output_uri_fails_its_submission(omics: Any, batch_of: Any) -> None:
    # was: KeyError 'outputUri' inside the scheduler, a 500 for whatever request came next
    entries = batch_of({}, [{"runSettingId": "a", "parameters": {"sample": "x"}}])
    assert [(e["submissionStatus"], e["submissionFailureReason"]) for e in entries] == [
        ("FAILED", "ValidationException")
    ]
    assert "outputUri" in entries[0]["submissionFailureMessage"]
    assert omics.list_workflows()["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_batch_default_parameters_that_are_not_an_object_are_refused(
    omics: Any, workflow: str
) -> None:
    # was: TypeError "'list' object is not a mapping" (500) while merging parameters
    with pytest.raises(ClientError) as excinfo:
        omics.start_run_batch(
            defaultRunSetting={
                "workflowId": workflow,
                "roleArn": ROLE,
                "outputUri": OUT,
                "parameters": [""],
            },
            batchRunSettings={"inlineSettings": [{"runSettingId": "a"}]},
        )
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "defaultRunSetting.parameters must be a JSON object" in message


def test_batch_entry_parameters_that_are_not_an_object_fail_that_entry(batch_of: Any) -> None:
    entries = batch_of(
        {"outputUri": OUT, "parameters": {"sample": "x"}},
        [{"runSettingId": "a", "parameters": "oops"}, {"runSettingId": "b"}],
    )
    assert [(e["runSettingId"], e["submissionStatus"]) for e in entries] == [
        ("a", "FAILED"),
        ("b", "SUCCESS"),
    ]
