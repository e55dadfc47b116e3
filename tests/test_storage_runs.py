"""Workflow runs that take read sets and references as ``omics://`` inputs."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import OUT, error_of, wdl_zip
from .storage_helpers import ROLE, fastq_gz, upload

WDL = """version 1.0
workflow align {
  input {
    File reads_1
    File reads_2
    File reference
  }
}
"""
ACCOUNT = "123456789012"
HOST = f"omics://{ACCOUNT}.storage.us-east-1.amazonaws.com"


@pytest.fixture
def inputs(omics: Any, omics_mock: Any, sequence_store: str) -> dict[str, str]:
    """Run parameters naming a paired FASTQ read set and an imported reference."""
    read_set = upload(omics, sequence_store, {"SOURCE1": fastq_gz(4, 1), "SOURCE2": fastq_gz(4, 2)})
    store = omics.create_reference_store(name="refs")["id"]
    omics_mock.s3.put_object("s3://genomes/hg38.fa", b">chr1\nACGT\n")
    job = omics.start_reference_import_job(
        referenceStoreId=store,
        roleArn=ROLE,
        sources=[{"sourceFile": "s3://genomes/hg38.fa", "name": "hg38"}],
    )
    omics.get_waiter("reference_import_job_completed").wait(referenceStoreId=store, id=job["id"])
    reference = omics.get_reference_import_job(referenceStoreId=store, id=job["id"])
    reference_id = reference["sources"][0]["referenceId"]
    return {
        "reads_1": f"{HOST}/{sequence_store}/readSet/{read_set}/source1",
        "reads_2": f"{HOST}/{sequence_store}/readSet/{read_set}/source2",
        "reference": f"{HOST}/{store}/reference/{reference_id}",
    }


@pytest.fixture
def workflow_id(omics: Any) -> str:
    created = omics.create_workflow(name="align", engine="WDL", definitionZip=wdl_zip(WDL))
    omics.get_waiter("workflow_active").wait(id=created["id"])
    return str(created["id"])


def start(omics: Any, workflow_id: str, parameters: dict[str, str]) -> str:
    run = omics.start_run(
        workflowId=workflow_id, roleArn=ROLE, outputUri=OUT, parameters=parameters
    )
    return str(run["id"])


def test_a_wdl_run_reads_read_sets_and_references(
    omics: Any, workflow_id: str, inputs: dict[str, str]
) -> None:
    run_id = start(omics, workflow_id, inputs)
    omics.get_waiter("run_completed").wait(id=run_id)
    got = omics.get_run(id=run_id)
    assert got["status"] == "COMPLETED"
    assert got["parameters"] == inputs


def test_a_missing_read_set_fails_the_run(
    omics: Any, workflow_id: str, inputs: dict[str, str], sequence_store: str
) -> None:
    parameters = {**inputs, "reads_2": f"{HOST}/{sequence_store}/readSet/1234567890"}
    run_id = start(omics, workflow_id, parameters)
    with pytest.raises(Exception, match="FAILED"):
        omics.get_waiter("run_completed").wait(id=run_id)
    got = omics.get_run(id=run_id)
    assert got["status"] == "FAILED"
    assert "Read set 1234567890 not found" in got["statusMessage"]
    assert got["failureReason"].startswith("Unable to read a run input")


def test_an_archived_read_set_fails_the_run(
    omics: Any, omics_mock: Any, workflow_id: str, inputs: dict[str, str]
) -> None:
    read_set_id = inputs["reads_1"].split("/")[5]
    omics_mock.storage.archive(read_set_id)
    run_id = start(omics, workflow_id, inputs)
    omics_mock.clock.advance(minutes=5)
    got = omics.get_run(id=run_id)
    assert got["status"] == "FAILED"
    assert "ARCHIVED" in got["statusMessage"]


def test_refused_at_start_run_when_configured(
    omics: Any, omics_mock: Any, workflow_id: str, inputs: dict[str, str]
) -> None:
    omics_mock.settings.storage.storage_uri_failure = "start"
    parameters = {**inputs, "reference": f"{HOST}/1234567890/reference/1234567890"}
    with pytest.raises(ClientError) as excinfo:
        start(omics, workflow_id, parameters)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "Reference 1234567890 not found" in message
    assert start(omics, workflow_id, inputs)


@pytest.mark.parametrize(
    "uri",
    [
        "omics://210987654321.storage.us-east-1.amazonaws.com/1234567890/readSet/1234567890",
        "omics://123456789012.storage.us-east-1.amazonaws.com/123/readSet/1234567890",
    ],
)
def test_foreign_or_malformed_uris_fail_the_run(
    omics: Any, omics_mock: Any, workflow_id: str, inputs: dict[str, str], uri: str
) -> None:
    run_id = start(omics, workflow_id, {**inputs, "reads_1": uri})
    omics_mock.clock.advance(minutes=5)
    assert omics.get_run(id=run_id)["status"] == "FAILED"


def test_a_run_counts_as_reading_its_read_sets(
    omics: Any, omics_mock: Any, workflow_id: str, inputs: dict[str, str], sequence_store: str
) -> None:
    read_set_id = inputs["reads_1"].split("/")[5]
    omics_mock.clock.advance(days=25)
    start(omics, workflow_id, inputs)
    omics_mock.clock.advance(days=10)
    got = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set_id)
    assert got["status"] == "ACTIVE"
