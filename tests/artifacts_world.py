"""Two ways of looking at what runs wrote: moto's clients, or the control API.

``World`` starts runs and reads their artefacts; ``MotoWorld`` reads them the way
user code does (S3, CloudWatch Logs, an SQS queue behind an EventBridge rule),
``MemoryWorld`` through ``m.artifacts`` with nothing else installed. Tests take
the ``world`` fixture and run once each way.
"""

from __future__ import annotations

import abc
import json
from typing import Any

from .helpers import ROLE, zip_bytes

BUCKET = "omics-out"
OUT = f"s3://{BUCKET}/results/"
GROUP = "/aws/omics/WorkflowLog"

WDL = """version 1.0
workflow wgs {
  input {
    String sample
  }
  call align
  call call_variants
  output {
    File bam = align.bam
    Array[File] vcfs = call_variants.vcfs
    Int count = 3
  }
}
task align {
  command { bwa }
  runtime { cpu: 4 memory: "8 GiB" }
  output { File bam = "out.bam" }
}
task call_variants {
  command { gatk }
  runtime { cpu: 2 memory: "4 GiB" }
  output { Array[File] vcfs = ["a.vcf"] }
}
"""

CWL = """cwlVersion: v1.2
class: Workflow
inputs:
  sample: string
outputs:
  report:
    type: File
    outputSource: summarise/report
steps:
  summarise:
    run: tool.cwl
    in:
      sample: sample
    out: [report]
"""

NEXTFLOW = """params.sample = null
process ALIGN {
  publishDir '/mnt/workflow/pubdir/aligned'
  cpus 2
  memory '4 GB'
  script:
  "bwa"
}
process REPORT {
  publishDir "/mnt/workflow/pubdir"
  script:
  "report"
}
workflow {
  ALIGN()
  REPORT()
}
"""

DEFINITIONS = {
    "WDL": ("main.wdl", WDL),
    "CWL": ("main.cwl", CWL),
    "NEXTFLOW": ("main.nf", NEXTFLOW),
}


def start_request(workflow_id: str, **overrides: Any) -> dict[str, Any]:
    """StartRun's parameters for one sample of the world's workflows (``overrides`` win)."""
    request: dict[str, Any] = {
        "workflowId": workflow_id,
        "roleArn": ROLE,
        "outputUri": OUT,
        "name": "sample-1",
        "parameters": {"sample": "s3://omics-in/sample.fq"},
    }
    request.update(overrides)
    return request


def moto_session() -> Any:
    """A boto3 session made while moto is active (moto hooks sessions made after it starts),
    with credentials that never leave the process."""
    import boto3

    return boto3.session.Session(
        aws_access_key_id="AKIAOMICSMOCKTESTS00", aws_secret_access_key="x", region_name="us-east-1"
    )


class World(abc.ABC):
    """A mock with omics (and, for ``MotoWorld``, moto) active, and ways to read."""

    name = "world"

    def __init__(self, mock: Any, omics: Any) -> None:
        self.mock = mock
        self.omics = omics

    def workflow(self, engine: str = "WDL") -> str:
        main, source = DEFINITIONS[engine]
        created = self.omics.create_workflow(
            name=f"wf-{engine.lower()}", definitionZip=zip_bytes({main: source})
        )
        self.omics.get_waiter("workflow_active").wait(id=created["id"])
        return str(created["id"])

    def start(self, workflow_id: str, **overrides: Any) -> dict[str, Any]:
        run = self.omics.start_run(**start_request(workflow_id, **overrides))
        return dict(self.omics.get_run(id=run["id"]))

    def finish(self, minutes: float = 60) -> None:
        self.mock.clock.advance(minutes=minutes)

    # -- reading, overridden by each world ---------------------------------------------------

    @abc.abstractmethod
    def objects(self, uri_prefix: str) -> dict[str, bytes]:
        """Objects under ``uri_prefix``, by key relative to it."""

    @abc.abstractmethod
    def streams(self) -> list[str]:
        """Stream names of the ``/aws/omics/WorkflowLog`` group."""

    @abc.abstractmethod
    def messages(self, stream: str) -> list[str]:
        """A stream's messages, oldest first."""

    @abc.abstractmethod
    def timestamps(self, stream: str) -> list[int]:
        """A stream's event timestamps (epoch ms), oldest first."""

    @abc.abstractmethod
    def events(self) -> list[dict[str, Any]]:
        """Every ``aws.omics`` event delivered so far (a rule matching all of them)."""

    def records(self, stream: str) -> list[dict[str, Any]]:
        return [json.loads(message) for message in self.messages(stream)]


class MemoryWorld(World):
    name = "memory"

    def objects(self, uri_prefix: str) -> dict[str, bytes]:
        return {
            uri[len(uri_prefix) :]: body
            for uri, body in self.mock.artifacts.objects().items()
            if uri.startswith(uri_prefix)
        }

    def streams(self) -> list[str]:
        return sorted(self.mock.artifacts.log_streams())

    def messages(self, stream: str) -> list[str]:
        return [e["message"] for e in self.mock.artifacts.log_events(stream)]

    def timestamps(self, stream: str) -> list[int]:
        return [e["timestamp"] for e in self.mock.artifacts.log_events(stream)]

    def events(self) -> list[dict[str, Any]]:
        return list(self.mock.artifacts.events())


class MotoWorld(World):
    name = "moto"

    def __init__(self, mock: Any, omics: Any, session: Any) -> None:
        super().__init__(mock, omics)
        self.s3 = session.client("s3")
        self.logs = session.client("logs")
        self.sqs = session.client("sqs")
        self.s3.create_bucket(Bucket=BUCKET)
        self.queue = self.sqs.create_queue(QueueName="omics-events")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])
        events = session.client("events")
        events.put_rule(Name="all-omics", EventPattern=json.dumps({"source": ["aws.omics"]}))
        events.put_targets(
            Rule="all-omics", Targets=[{"Id": "q", "Arn": arn["Attributes"]["QueueArn"]}]
        )
        self._received: list[dict[str, Any]] = []

    def objects(self, uri_prefix: str) -> dict[str, bytes]:
        bucket, _, prefix = uri_prefix[len("s3://") :].partition("/")
        found = {}
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", []):
                body = self.s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                found[item["Key"][len(prefix) :]] = body
        return found

    def streams(self) -> list[str]:
        try:
            pages = self.logs.get_paginator("describe_log_streams").paginate(logGroupName=GROUP)
            return sorted(s["logStreamName"] for page in pages for s in page["logStreams"])
        except self.logs.exceptions.ResourceNotFoundException:
            return []

    def _events(self, stream: str) -> list[dict[str, Any]]:
        return list(
            self.logs.get_log_events(logGroupName=GROUP, logStreamName=stream, startFromHead=True)[
                "events"
            ]
        )

    def messages(self, stream: str) -> list[str]:
        return [e["message"] for e in self._events(stream)]

    def timestamps(self, stream: str) -> list[int]:
        return [e["timestamp"] for e in self._events(stream)]

    def events(self) -> list[dict[str, Any]]:
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10)
            messages = got.get("Messages", [])
            if not messages:
                return list(self._received)
            for message in messages:
                self._received.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=message["ReceiptHandle"])
