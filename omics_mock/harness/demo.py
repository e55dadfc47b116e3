"""``python -m omics_mock demo``: a workflow and a run, in virtual time.

Creates a WDL workflow, starts a run, polls it every 30 virtual seconds the
way user code does, and prints each status change and the run's tasks.
Nothing leaves the process; the whole demo takes well under a second.
"""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

from .activation import mock_omics

_MAIN = """version 1.0
workflow demo {
  input {
    String sample
  }
  call align { input: sample = sample }
  call call_variants
}
task align {
  command {}
  runtime {
    cpu: 8
    memory: "16 GiB"
  }
}
task call_variants {
  command {}
}
"""


def _definition() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.wdl", _MAIN)
    return buffer.getvalue()


def run_demo(region: str = "us-east-1") -> int:
    """Run the demonstration and print its tables; returns the exit status."""
    import boto3

    began = time.perf_counter()
    with mock_omics(patch_sleep=True) as mock:
        omics: Any = boto3.client("omics", region_name=region)
        workflow = omics.create_workflow(name="demo-wgs", definitionZip=_definition())
        omics.get_waiter("workflow_active").wait(id=workflow["id"])
        run = omics.start_run(
            workflowId=workflow["id"],
            name="NA12878",
            roleArn="arn:aws:iam::123456789012:role/omics-demo",
            outputUri="s3://demo-bucket/results/",
            parameters={"sample": "NA12878"},
        )
        started = mock.clock.now()
        print(f"workflow {workflow['id']} ACTIVE; run {run['id']} started\n")
        print(f"{'virtual time':>12}  status")
        last = None
        while True:
            status = omics.get_run(id=run["id"])["status"]
            if status != last:
                seconds = (mock.clock.now() - started).total_seconds()
                print(f"{seconds:>11.0f}s  {status}")
                last = status
            if status in ("COMPLETED", "FAILED", "CANCELLED"):
                break
            time.sleep(30)  # virtual: patch_sleep=True
        tasks = omics.list_run_tasks(id=run["id"])["items"]
        print(f"\n{'task':<14} {'status':<10} {'cpus':>4} {'GiB':>4}  instance")
        for task in tasks:
            print(
                f"{task['name']:<14} {task['status']:<10} {task['cpus']:>4} "
                f"{task['memory']:>4}  {task['instanceType']}"
            )
        answered = len(mock.requests)
    print(f"\n{answered} requests answered in {time.perf_counter() - began:.2f}s of real time")
    return 0
