"""Per-call cost: botocore's floor, omics-mock, and moto on its closest operations.

One boto3 session; every client comes from it with the same configuration:

* **floor** clients are answered by a ``before-send`` handler that replays an
  answer captured once from the real handler (``bench.common.Canned``), with
  omics-mock's hooks taken off them, so only botocore's own work remains:
  serialise, sign, parse;
* **omics-mock** clients are answered by ``mock_omics()``;
* **moto** answers emr-containers ``StartJobRun``/``DescribeJobRun`` (its closest
  shapes: a job started in a virtual cluster, then described), next to their
  own floor captured from moto the same way.

omics-mock and moto stay active for the whole measurement; the calls of the
cases compared alternate one by one (``bench.common.time_group``).
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from .common import (
    REGION,
    ROLE,
    Canned,
    Case,
    Group,
    capture,
    create_active_workflow,
    difference,
    overhead,
    paired,
    run_rounds,
    start_run_request,
)

STORED_RUNS = 100
"""Runs stored in the account that GetRun and ListRuns read."""

WRITER_ACCOUNT = "210987654321"
"""StartRun goes to its own account, so the reader's account keeps exactly 100 runs."""

CREDENTIALS = {"aws_access_key_id": "AKIAOMICSBENCH000000", "aws_secret_access_key": "bench"}
WRITER_CREDENTIALS = {"aws_access_key_id": WRITER_ACCOUNT, "aws_secret_access_key": "bench"}


def remove_mock_hooks(client: Any) -> None:
    """Take omics-mock's hooks off one client: a floor client runs none of its code."""
    from omics_mock.harness.interception import INTERCEPTOR

    INTERCEPTOR.unhook(client)


def remove_moto_hook(client: Any) -> Any:
    """Take moto's ``before-send`` handler off one client.

    botocore calls *every* ``before-send`` handler and uses the first answer,
    so while ``mock_aws`` is active moto processes each request of a client
    that carries its handler, even one another handler already answered.
    """
    models = sys.modules.get("moto.core.models")  # moto hooks only sessions made after its import
    stubber = getattr(models, "botocore_stubber", None)
    if stubber is not None:
        # botocore raises when nothing is registered under the name
        with contextlib.suppress(AttributeError, ValueError):
            client.meta.events.unregister("before-send", stubber)
    return client


def definition_bundle() -> bytes:
    """A small WDL workflow bundle, the same bytes every time."""
    from omics_mock import definition_zip

    return definition_zip(
        {"main.wdl": "version 1.0\nworkflow wgs {\n  input {\n    String sample\n  }\n}\n"}
    )


def floor_client(session: Any, service: str, canned: Canned, **kwargs: Any) -> Any:
    """A client answered only by ``canned``: no omics-mock hook, no moto hook."""
    client = remove_moto_hook(session.client(service, **kwargs))
    if service == "omics":
        remove_mock_hooks(client)
    canned.attach(client)
    return client


def measure(rounds: int, n_single: int, n_list: int, with_moto: bool = True) -> dict[str, Any]:
    """Run the per-call rounds; returns per-case samples (seconds per call) and ratios."""
    import boto3

    moto: Any = None
    if with_moto:
        try:
            from moto import mock_aws  # before the session: moto hooks sessions created later
        except ImportError:
            pass
        else:
            moto = mock_aws()
    from omics_mock import mock_omics

    session = boto3.session.Session(region_name=REGION, **CREDENTIALS)
    result: dict[str, Any] = {"cases": {}, "ratios": {}, "moto": moto is not None}
    with mock_omics() as mock:
        # What runs leave behind goes to moto while mock_aws is active (EventBridge events,
        # CloudWatch Logs, S3): moto's own cost, measured by the scale section, not here.
        artifacts = mock.settings.artifacts
        artifacts.events = artifacts.logs = artifacts.outputs = artifacts.cache_entries = False
        reader = remove_moto_hook(session.client("omics"))
        writer = remove_moto_hook(session.client("omics", **WRITER_CREDENTIALS))

        # Reader account: 100 completed runs.
        workflow = create_active_workflow(reader)
        run_ids = [
            reader.start_run(**start_run_request(workflow, i))["id"] for i in range(STORED_RUNS)
        ]
        mock.clock.advance(days=1)
        assert reader.get_run(id=run_ids[0])["status"] == "COMPLETED"
        assert len(reader.list_runs(maxResults=100)["items"]) == STORED_RUNS

        # Writer account: its runs stay PENDING for the whole benchmark, so StartRun is
        # timed on its own (simulated phases are the scale benchmark's business).
        writer_workflow = create_active_workflow(writer)
        mock.runs.set_durations(workflow_id=writer_workflow, pending=365 * 86400)
        counter = iter(range(10**9))

        canned = Canned("before-send.omics")
        floor_reader = floor_client(session, "omics", canned)
        floor_writer = floor_client(session, "omics", canned, **WRITER_CREDENTIALS)

        def start_run(client: Any) -> Any:
            return lambda: client.start_run(**start_run_request(writer_workflow, next(counter)))

        def get_run(client: Any) -> Any:
            return lambda: client.get_run(id=run_ids[0])

        def list_runs(client: Any) -> Any:
            return lambda: client.list_runs(maxResults=100)

        mock.settings.quotas.max_workflows = 10**7
        # Batches stay CREATING: their submissions (in virtual time, which moves with the
        # wall clock) would otherwise add runs, and work, to every later call.
        mock.settings.durations.batch_creating = 36_000 * 86_400
        batch_request = {
            "defaultRunSetting": {
                "workflowId": writer_workflow,
                "roleArn": ROLE,
                "outputUri": "s3://omics-bench-out/batch/",
                "parameters": {"sample": "S"},
            },
            "batchRunSettings": {
                "inlineSettings": [
                    {"runSettingId": f"r{i}", "parameters": {"sample": f"S{i}"}} for i in range(100)
                ]
            },
        }
        batch_id = writer.start_run_batch(**batch_request)["id"]
        bundle = definition_bundle()

        def start_run_batch(client: Any) -> Any:
            return lambda: client.start_run_batch(**batch_request)

        def get_batch(client: Any) -> Any:
            return lambda: client.get_batch(batchId=batch_id)

        def create_workflow(client: Any) -> Any:
            return lambda: client.create_workflow(name="bench", definitionZip=bundle)

        canned.answers["StartRun"] = capture(writer, start_run(writer))
        canned.answers["GetRun"] = capture(reader, get_run(reader))
        canned.answers["ListRuns"] = capture(reader, list_runs(reader))
        canned.answers["StartRunBatch"] = capture(writer, start_run_batch(writer))
        canned.answers["GetBatch"] = capture(writer, get_batch(writer))
        canned.answers["CreateWorkflow"] = capture(writer, create_workflow(writer))
        result["body_bytes"] = {op: len(a.body) for op, a in canned.answers.items()}

        starts = [
            Case("floor StartRun", start_run(floor_writer)),
            Case("omics-mock StartRun", start_run(writer)),
        ]
        gets = [
            Case("floor GetRun", get_run(floor_reader)),
            Case("omics-mock GetRun", get_run(reader)),
        ]
        lists = [
            Case("floor ListRuns", list_runs(floor_reader)),
            Case("omics-mock ListRuns", list_runs(reader)),
        ]
        new_batches = [
            Case("floor StartRunBatch", start_run_batch(floor_writer)),
            Case("omics-mock StartRunBatch", start_run_batch(writer)),
        ]
        batches = [
            Case("floor GetBatch", get_batch(floor_writer)),
            Case("omics-mock GetBatch", get_batch(writer)),
            Case("floor CreateWorkflow", create_workflow(floor_writer)),
            Case("omics-mock CreateWorkflow", create_workflow(writer)),
        ]
        # Another handler answers an omics client while the mock is active: what the
        # mock's patches add to it (the floor's client has them taken off).
        answered_elsewhere = remove_moto_hook(session.client("omics"))
        canned.attach(answered_elsewhere)
        gets.append(Case("canned GetRun, mock active", get_run(answered_elsewhere)))

        if moto is not None:
            moto.start()
            emr = session.client("emr-containers")
            cluster = emr.create_virtual_cluster(
                name="bench",
                containerProvider={
                    "id": "eks-bench",
                    "type": "EKS",
                    "info": {"eksInfo": {"namespace": "bench"}},
                },
            )["id"]
            job_request = {
                "name": "bench",
                "virtualClusterId": cluster,
                "executionRoleArn": ROLE,
                "releaseLabel": "emr-6.10.0-latest",
                "jobDriver": {"sparkSubmitJobDriver": {"entryPoint": "s3://omics-bench/job.py"}},
            }
            job = emr.start_job_run(**job_request)["id"]

            def start_job_run(client: Any) -> Any:
                return lambda: client.start_job_run(**job_request)

            def describe_job_run(client: Any) -> Any:
                return lambda: client.describe_job_run(id=job, virtualClusterId=cluster)

            emr_canned = Canned("before-send.emr-containers")
            emr_canned.answers["StartJobRun"] = capture(emr, start_job_run(emr))
            emr_canned.answers["DescribeJobRun"] = capture(emr, describe_job_run(emr))
            emr_floor = floor_client(session, "emr-containers", emr_canned)
            starts += [
                Case("floor StartJobRun", start_job_run(emr_floor)),
                Case("moto StartJobRun", start_job_run(emr)),
            ]
            gets += [
                Case("floor DescribeJobRun", describe_job_run(emr_floor)),
                Case("moto DescribeJobRun", describe_job_run(emr)),
            ]
            # A client that keeps moto's hook: what an omics call costs while mock_aws is active.
            beside_moto = session.client("omics")
            gets.append(Case("omics-mock GetRun, mock_aws active", get_run(beside_moto)))

        groups = [
            Group(starts, n_single),
            Group(gets, n_single),
            Group(lists, n_list),
            Group(batches, n_single),
            # Few: each batch keeps 100 entries, and a heap that grows makes the garbage
            # collector's full passes, paid by whichever call triggers them, slower.
            Group(new_batches, max(3, n_list // 10)),
        ]
        try:
            run_rounds(groups, rounds)
        finally:
            if moto is not None:
                moto.stop()
        cases = starts + gets + lists + batches + new_batches
        by_name = {case.name: case for case in cases}
        for case in cases:
            result["cases"][case.name] = {"median": case.median, "samples": case.samples}
        ratios = result["ratios"]
        ratios["canned GetRun with the mock active / floor"] = paired(
            by_name["canned GetRun, mock active"], by_name["floor GetRun"]
        )
        for op in ("StartRun", "GetRun", "ListRuns", "StartRunBatch", "GetBatch", "CreateWorkflow"):
            mine, floor = by_name[f"omics-mock {op}"], by_name[f"floor {op}"]
            ratios[f"omics-mock {op}: own work / floor"] = overhead(mine, floor)
            ratios[f"omics-mock {op}: own work (s)"] = difference(mine, floor)
        if moto is not None:
            for ours, theirs in (("StartRun", "StartJobRun"), ("GetRun", "DescribeJobRun")):
                mine, floor = by_name[f"omics-mock {ours}"], by_name[f"floor {ours}"]
                other, other_floor = by_name[f"moto {theirs}"], by_name[f"floor {theirs}"]
                ratios[f"moto {theirs}: own work / floor"] = overhead(other, other_floor)
                ratios[f"moto {theirs}: own work (s)"] = difference(other, other_floor)
                ratios[f"moto {theirs} / omics-mock {ours}: whole call"] = paired(other, mine)
                ratios[f"moto {theirs} / omics-mock {ours}: own work"] = difference(
                    other, other_floor
                ) / difference(mine, floor)
            beside = by_name["omics-mock GetRun, mock_aws active"]
            ratios["omics-mock GetRun: added by an active mock_aws (s)"] = difference(
                beside, by_name["omics-mock GetRun"]
            )
        result["requests_logged"] = len(mock.requests)
    return result
