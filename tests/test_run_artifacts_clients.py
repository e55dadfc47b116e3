"""Real clients of the artefacts, unmodified: aws-healthomics-tools' ``rerun``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from omics_mock import mock_omics

from .artifacts_world import BUCKET, OUT, moto_session
from .helpers import ROLE, zip_bytes

moto = pytest.importorskip("moto")
rerun = pytest.importorskip("omics.cli.rerun.__main__")

WDL = "version 1.0\nworkflow w {\n  input {\n    String sample\n    Int threads = 4\n  }\n}\n"


@pytest.fixture
def aws_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``boto3.client("logs")`` needs in a tool that names no Region or profile."""
    import boto3

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


def test_rerun_starts_a_finished_run_again_from_its_manifest(
    aws_defaults: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with moto.mock_aws(), mock_omics() as control:
        session = moto_session()
        session.client("s3").create_bucket(Bucket=BUCKET)
        omics = session.client("omics")
        workflow = omics.create_workflow(name="w", definitionZip=zip_bytes({"main.wdl": WDL}))
        group = omics.create_run_group(name="g", maxCpus=100)
        cache = omics.create_run_cache(cacheS3Location=f"s3://{BUCKET}/cache/")
        first = omics.start_run(
            workflowId=workflow["id"],
            roleArn=ROLE,
            outputUri=OUT,
            name="NA12878",
            priority=3,
            runGroupId=group["id"],
            cacheId=cache["id"],
            storageType="DYNAMIC",
            parameters={"sample": "s3://omics-in/NA12878.fq", "threads": 8},
        )
        omics.get_waiter("run_completed").wait(id=first["id"])
        rerun.main([first["id"]])
        printed = capsys.readouterr().out
        response = json.loads(printed.split("StartRun response:\n", 1)[1])
        again: dict[str, Any] = omics.get_run(id=response["id"])
        control.clock.advance(hours=1)
        original = omics.get_run(id=first["id"])
    assert response["id"] != first["id"]
    for member in (
        "workflowId",
        "name",
        "priority",
        "runGroupId",
        "cacheId",
        "cacheBehavior",
        "storageType",
        "parameters",
        "outputUri",
        "roleArn",
    ):
        assert again[member] == original[member], member


RUN_ANALYZER_WDL = """version 1.0
workflow w {
  input {
    String sample
  }
  call align
  call sort
}
task align { runtime { cpu: 4 memory: "8 GiB" } }
task sort { runtime { cpu: 2 memory: "4 GiB" } }
"""


def test_run_analyzer_prices_a_run_from_its_manifest(aws_defaults: None, tmp_path: Any) -> None:
    import csv

    analyzer = pytest.importorskip("omics.cli.run_analyzer.__main__")
    report = tmp_path / "run.csv"
    with moto.mock_aws(), mock_omics() as control:
        control.settings.artifacts.prices["omics.c.xlarge"] = 0.36
        session = moto_session()
        session.client("s3").create_bucket(Bucket=BUCKET)
        omics = session.client("omics")
        definition = zip_bytes({"main.wdl": RUN_ANALYZER_WDL})
        workflow = omics.create_workflow(name="w", definitionZip=definition)
        run = omics.start_run(
            workflowId=workflow["id"], roleArn=ROLE, outputUri=OUT, parameters={"sample": "x"}
        )
        omics.get_waiter("run_completed").wait(id=run["id"])
        analyzer.main([run["id"], "--out", str(report)])
    rows = {row["name"]: row for row in csv.DictReader(report.open())}
    assert rows[""]["arn"] == run["arn"] and rows[""]["type"] == "run"
    align, sort = rows["align"], rows["sort"]
    assert (align["omicsInstanceTypeReserved"], sort["omicsInstanceTypeReserved"]) == (
        "omics.c.xlarge",
        "omics.c.large",
    )
    hours = max(60.0, float(align["runningSeconds"])) / 3600
    assert float(align["estimatedUSD"]) == pytest.approx(0.36 * hours, rel=1e-3)
    assert float(sort["estimatedUSD"]) > 0
