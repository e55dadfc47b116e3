"""A short demonstration: a workflow goes from CREATING to ACTIVE in virtual time."""

from __future__ import annotations

import io
import zipfile

from .mock import mock_omics

_MAIN = """version 1.0
workflow demo {
  input {
    String sample
  }
}
"""


def _definition() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.wdl", _MAIN)
    return buffer.getvalue()


def run_demo(region: str = "us-east-1") -> int:
    import boto3

    with mock_omics() as mock:
        mock.settings.durations.workflow_creating = __import__("datetime").timedelta(seconds=20)
        omics = boto3.client("omics", region_name=region)
        start = mock.clock.now()
        created = omics.create_workflow(name="demo-wgs", definitionZip=_definition())
        rows = [(0.0, "CreateWorkflow", created["status"])]
        omics.get_waiter("workflow_active").wait(id=created["id"])
        workflow = omics.get_workflow(id=created["id"])
        elapsed = (mock.clock.now() - start).total_seconds()
        rows.append((elapsed, "GetWorkflow", workflow["status"]))
    print(f"{'virtual s':>9}  {'call':<16} status")
    for seconds, call, status in rows:
        print(f"{seconds:>9.0f}  {call:<16} {status}")
    return 0
