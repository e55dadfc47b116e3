"""What a run writes when it ends: outputs and logs in S3, cache entries, the engine log.

Written at the run's ``stopTime``, before its manifest and its last event
(spec section 7): ``out/...`` and the outputs summary only for COMPLETED runs,
``logs/engine.log`` for runs whose engine started (cancelled ones too, unless
``engine_log_for_cancelled`` is off); nothing when the export itself failed.
"""

from __future__ import annotations

from ..runs.model import CANCELLED, COMPLETED, FAILED, Run
from . import content
from .context import RunContext, RunLog, Sink
from .items import RANK_END, S3Object
from .jsontext import indented, quoted
from .manifest import TaskEnd
from .run_log import entry

EXPORT_FAILED = "EXPORT_FAILED"
EXPORT_FAILED_MESSAGE = (
    "The export failed. Check that the output bucket exists and the run role has write "
    "permission to the bucket."
)


def split_s3(uri: str) -> tuple[str, str]:
    """``(bucket, key prefix)`` of ``s3://bucket/prefix``."""
    rest = uri[len("s3://") :] if uri.startswith("s3://") else uri
    bucket, _, prefix = rest.partition("/")
    return bucket, prefix.strip("/")


def export_items(ctx: RunContext, out: Sink, ends: list[TaskEnd], run_log: RunLog) -> None:
    run = ctx.run
    at = run.stop_time
    assert at is not None
    settings = ctx.settings
    uri = run.run_output_uri
    bucket, prefix = split_s3(uri)

    def put(key: str, body: bytes) -> None:
        full = f"{prefix}/{key}" if prefix else key
        out.add(at, RANK_END, f"s3:{full}", S3Object(bucket, full, body))

    failed_export = run.failure_reason == EXPORT_FAILED
    if run.status == COMPLETED:
        run_log(at, RANK_END, "export", _stopping("EXPORTING_OUTPUTS", "Exporting your", uri))
        if settings.outputs:
            files, summary = content.output_files(run, ctx.declared, ctx.script)
            for key, body in files:
                put(key, body)
            if summary is not None:
                name = "outputs.json"
                if ctx.declared.engine == "WDL":
                    name = settings.wdl_outputs_summary
                put(f"logs/{name}", content.summary_body(summary))
        text = _stopping("EXPORT_COMPLETED", "Completed export of", uri)
        run_log(at, RANK_END, "exported", text)
    elif failed_export:
        run_log(at, RANK_END, "export", entry("STOPPING", EXPORT_FAILED, EXPORT_FAILED_MESSAGE))
    engine = _engine_log(ctx, ends)
    writes_engine_log = (
        run.running_since is not None
        and not failed_export
        and (run.status != CANCELLED or settings.engine_log_for_cancelled)
    )
    if settings.outputs and writes_engine_log:
        put("logs/engine.log", ("\n".join(engine) + "\n").encode())
    if settings.cache_entries and run.cache_entries:
        _cache_entries(ctx, out, ends)
    if ctx.logs and has_engine_stream(run, settings.engine_stream_always):
        stream = f"run/{run.id}/engine"
        for n, text in enumerate(engine):  # all at stopTime: known only when the run ends
            out.log(at, RANK_END, f"eng:{n}", stream, text)
        arn = run.log_stream_arn(stream)
        text = entry("STOPPING", "ENGINE_LOG_GENERATED", f"Engine log stream: {arn}")
        run_log(at, RANK_END, "engine", text)


def has_engine_stream(run: Run, always: bool) -> bool:
    """Whether the ended run has a ``run/<id>/engine`` stream (failed runs, by the docs)."""
    return run.running_since is not None and (run.status == FAILED or always)


def _stopping(code: str, verb: str, uri: str) -> str:
    return entry("STOPPING", code, f"{verb} workflow run outputs to: {uri}")


def _engine_log(ctx: RunContext, ends: list[TaskEnd]) -> list[str]:
    run = ctx.run
    names = [(end[0].template.name, end[0].id) for end in ends]
    lines = content.engine_lines(run, ctx.declared.engine, names)
    if run.status == FAILED:
        failed = next((e[0].template.name for e in ends if e[1] == FAILED), None)
        lines.extend(content.failure_lines(run, ctx.script, failed))
    lines.append(f"workflow run {run.id} {run.status.lower()}")
    return lines


def _cache_entries(ctx: RunContext, out: Sink, ends: list[TaskEnd]) -> None:
    run = ctx.run
    at = run.stop_time
    assert at is not None and run.cache_entries is not None
    by_index = {end[0].index: end[0] for end in ends}
    nextflow = ctx.declared.engine == "NEXTFLOW"
    for index, uri in sorted(run.cache_entries.items()):
        task = by_index.get(index)
        if task is None:
            continue
        bucket, prefix = split_s3(uri)
        entry_uuid = prefix.rsplit("/", 1)[-1]
        name = task.template.name
        files = {f"{name}.out": content.default_body(run, name, "cache")}
        if nextflow:
            files["command.out"] = f"{task.template.name} finished\n".encode()
            files[".exitcode"] = b"0"
        keys = [f"{prefix}/{name}" for name in files]
        document = {
            "version": 1,
            "runId": run.id,
            "taskId": task.id,
            "taskName": task.template.name,
            "items": [f"s3://{bucket}/{key}" for key in keys],
        }
        files[f"{entry_uuid}.json"] = indented(document).encode()
        for file_name, body in files.items():
            key = f"{prefix}/{file_name}"
            out.add(at, RANK_END, f"s3:{bucket}/{key}", S3Object(bucket, key, body))
        if ctx.logs and ctx.cache_stream is not None:
            message = (
                f"Cache entry created for run: {run.id}, task: {task.id}, cacheEntry: {entry_uuid}"
            )
            text = f'{{"logMessage": "CACHE_ENTRY_CREATED", "message": {quoted(message)}}}'
            out.log(at, RANK_END, f"cache:e{index}", ctx.cache_stream, text)
