"""A small state with something in every corner of the dashboard.

``populate`` makes, in virtual time that only moves when told: a workflow of two
tasks (and a version), runs in every status (COMPLETED, FAILED with a reason,
CANCELLED, RUNNING held in a run group, PENDING queued behind it, STARTING,
STOPPING), a batch of three runs, a run cache, a sequence store and a reference
store. It works in process (``mock_omics()``) and against a server (its client and
``server.control``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from omics_mock.harness.control import Control

from .helpers import OUT, ROLE, wdl_zip

WDL = """version 1.0
workflow wgs {
  input {
    String sample
  }
  call align
  call call_variants
}
task align {
  command { bwa }
  runtime { cpu: 4 memory: "8 GiB" }
}
task call_variants {
  command { gatk }
}
"""
TASKS = 2


@dataclass
class World:
    workflow: str
    group: str
    batch: str
    runs: dict[str, str] = field(default_factory=dict)
    """Run ID by the status the run is left in (``"RUNNING"``: the held one)."""


def start_run(omics: Any, workflow: str, name: str, **more: Any) -> str:
    """The ID of a new run of ``workflow`` named ``name`` (also its ``sample``)."""
    return str(
        omics.start_run(
            workflowId=workflow,
            roleArn=ROLE,
            outputUri=OUT,
            name=name,
            parameters={"sample": name},
            **more,
        )["id"]
    )


def populate(omics: Any, control: Control) -> World:
    """Make the state (see the module); the clock is left still (scale 0)."""
    control.clock.scale = 0
    workflow = omics.create_workflow(name="wgs", definitionZip=wdl_zip(WDL))["id"]
    control.clock.advance(seconds=1)
    omics.create_workflow_version(workflowId=workflow, versionName="v2", definitionZip=wdl_zip(WDL))
    group = omics.create_run_group(name="one-at-a-time", maxRuns=1, requestId="g")["id"]
    omics.create_run_cache(cacheS3Location="s3://omics-cache/", name="cache", requestId="c")
    omics.create_sequence_store(name="cohort")
    omics.create_reference_store(name="grch38")

    def start(name: str, **more: Any) -> str:
        return start_run(omics, workflow, name, **more)

    runs = {"COMPLETED": start("done"), "FAILED": start("broken")}
    control.runs.set_outcome(runs["FAILED"], ("FAILED", "OutOfMemory"))
    runs["CANCELLED"] = start("cancelled")
    omics.cancel_run(id=runs["CANCELLED"])
    batch = omics.start_run_batch(
        batchName="cohort",
        defaultRunSetting={
            "workflowId": workflow,
            "roleArn": ROLE,
            "outputUri": OUT,
            "parameters": {"sample": "B"},
        },
        batchRunSettings={"inlineSettings": [{"runSettingId": str(i)} for i in range(3)]},
    )["id"]
    control.clock.advance(minutes=20)
    runs["RUNNING"] = start("held", runGroupId=group)
    control.runs.keep_running(runs["RUNNING"])
    runs["PENDING"] = start("queued", runGroupId=group)
    runs["STARTING"] = start("slow-start")
    control.runs.set_durations(run_id=runs["STARTING"], starting=3600)
    runs["STOPPING"] = start("slow-stop")
    control.runs.set_durations(run_id=runs["STOPPING"], stopping=3600)
    control.clock.advance(minutes=4)
    control.runs.complete(runs["STOPPING"], immediately=False)
    return World(workflow=workflow, group=group, batch=batch, runs=runs)


MANY_SETTINGS = "s3://omics-dashboard-settings/runs.json"


def many_runs(omics: Any, control: Control, workflow: str, count: int) -> str:
    """A batch of ``count`` runs of ``workflow``, one in ten FAILED, driven to its end;
    returns the batch ID."""
    control.settings.quotas.max_runs = max(control.settings.quotas.max_runs, count + 100)
    control.settings.quotas.start_run_tps = 1000
    control.runs.set_durations(workflow_id=workflow, pending=0, starting=1, running=2, stopping=1)
    control.runs.script(
        workflow, [("FAILED", "OutOfMemory") if i % 10 == 0 else "COMPLETED" for i in range(count)]
    )
    entries = [{"runSettingId": f"r{i}", "parameters": {"sample": f"S{i}"}} for i in range(count)]
    control.s3.put_object(MANY_SETTINGS, json.dumps(entries))
    batch = str(
        omics.start_run_batch(
            batchName="many",
            defaultRunSetting={"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT},
            batchRunSettings={"s3UriSettings": MANY_SETTINGS},
        )["id"]
    )
    while omics.get_batch(batchId=batch)["status"] not in ("PROCESSED", "FAILED"):
        control.clock.advance(minutes=1)
    return batch
