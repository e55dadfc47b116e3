"""The content of what a run writes: output files, summaries, log lines.

Nothing runs in the mock, so bodies are small deterministic placeholders unless
a test scripted them (``script``); sizes in summaries are the bytes written.
"""

from __future__ import annotations

import functools
from typing import Any

from ..runs.model import Run
from ..runs.tasks import TaskTemplate
from .declared import FILES, VALUE, Declared, Output
from .jsontext import indented
from .script import Script, ScriptedOutput

OutputFile = tuple[str, bytes]
"""(key relative to ``runOutputUri``, body)."""

_SIZES = {"large": 2, "xlarge": 4}
_GIB_PER_CPU = {"c": 2, "m": 4, "r": 8, "g5": 4, "g4dn": 4, "g6": 4}
_DEFAULT_VALUES = {"Int": 1, "int": 1, "long": 1, "Float": 1.0, "float": 1.0, "double": 1.0}


@functools.lru_cache(maxsize=1024)
def instance_type(template: TaskTemplate) -> str:
    """The task's instance type (worked out once per template)."""
    return template.instance_type


def reserved(template: TaskTemplate) -> tuple[int, int, int]:
    """(vCPUs, GiB, GPUs) of the task's instance type: the instance, not the request."""
    _, family, size = instance_type(template).split(".")
    cpus = _SIZES.get(size) or 4 * int(size.removesuffix("xlarge") or 1)
    return cpus, cpus * _GIB_PER_CPU.get(family, 4), template.gpus


def default_body(run: Run, output: str, file_name: str) -> bytes:
    return f"omics-mock output {output} ({file_name}) of run {run.id}\n".encode()


def output_files(run: Run, declared: Declared, script: Script) -> tuple[list[OutputFile], Any]:
    """The files under ``out/`` and the outputs summary (``None`` for Nextflow)."""
    base = run.run_output_uri.rstrip("/")
    files: list[OutputFile] = []
    summary: dict[str, Any] = {}
    engine = declared.engine
    outputs: dict[str, list[Output]] = {}
    for output in declared.outputs:
        outputs.setdefault(output.name, []).append(output)
    for name in script.outputs:
        outputs.setdefault(name, [])
    for name, found in outputs.items():
        scripted = script.outputs.get(name)
        kind = found[0].kind if found else (FILES if scripted and scripted.array else "File")
        if kind == VALUE:
            if scripted is not None:
                summary_value = _value(scripted)
            elif found[0].value is not None:
                summary_value = found[0].value
            else:
                summary_value = _default_value(found[0].type_name)
            _summarise(summary, declared, name, summary_value)
            continue
        listed = _files_of(run, name, found, scripted)
        array = kind == FILES or (scripted is not None and scripted.array)
        written = []
        for index, (file_name, body) in enumerate(listed):
            if engine == "CWL":
                key = f"out/{file_name}"
            elif engine == "NEXTFLOW":
                key = f"out/{name}/{file_name}" if name else f"out/{file_name}"
            elif array:
                key = f"out/{name}/{index}/{file_name}"
            else:
                key = f"out/{name}/{file_name}"
            files.append((key, body))
            written.append(_summary_file(engine, f"{base}/{key}", file_name, body))
        if written:
            _summarise(summary, declared, name, written if array else written[0])
    return files, (None if engine == "NEXTFLOW" else summary)


def _files_of(
    run: Run, name: str, found: list[Output], scripted: ScriptedOutput | None
) -> list[tuple[str, bytes]]:
    if scripted is None or scripted.files is None:
        return [(o.file_name, default_body(run, name, o.file_name)) for o in found]
    default_name = found[0].file_name if found else f"{name}.txt"
    named = []
    for index, (file_name, body) in enumerate(scripted.files):
        if not file_name:
            file_name = default_name if len(scripted.files) == 1 else f"{index}-{default_name}"
        named.append((file_name, body))
    return named


def _summary_file(engine: str, uri: str, file_name: str, body: bytes) -> Any:
    if engine == "CWL":
        return {
            "location": uri,
            "basename": file_name.rsplit("/", 1)[-1],
            "class": "File",
            "size": len(body),
        }
    return uri


def _summarise(summary: dict[str, Any], declared: Declared, name: str, value: Any) -> None:
    key = f"{declared.workflow_name}.{name}" if declared.engine == "WDL" else name
    summary[key] = value


def _value(scripted: ScriptedOutput) -> Any:
    value = scripted.value
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value


def _default_value(type_name: str) -> Any:
    bare = type_name.rstrip("?+")
    if bare in ("Boolean", "boolean"):
        return True
    if bare in _DEFAULT_VALUES:
        return _DEFAULT_VALUES[bare]
    if bare.startswith(("Array", "Map")) or bare.endswith("[]"):
        return []
    return "value"


def summary_body(summary: Any) -> bytes:
    return indented(summary).encode()


def task_lines(script: Script, task_name: str, task_id: str, template: TaskTemplate) -> list[str]:
    """A task's log: scripted lines, or a few generated ones."""
    scripted = script.lines_for(task_name) if script.task_lines else None
    if scripted is not None:
        return list(scripted)
    before, after, rest = _generated(task_name, template)
    return [before + task_id + after, *rest]


@functools.lru_cache(maxsize=1024)
def _generated(task_name: str, template: TaskTemplate) -> tuple[str, str, tuple[str, ...]]:
    """The generated log of a task: its first line before and after the task's ID, and the
    other lines (the same for every task of the template)."""
    return (
        f"[{task_name}] task ",
        f" started on {instance_type(template)} ({template.cpus} vCPUs, {template.memory} GiB)",
        (f"[{task_name}] processing inputs", f"[{task_name}] writing outputs"),
    )


def failure_lines(run: Run, script: Script, task_name: str | None) -> list[str]:
    """Lines that end a failed run's engine log and its failed task's log."""
    if script.failure_lines is not None:
        return list(script.failure_lines)
    reason = run.failure_reason or "WORKFLOW_RUN_FAILED"
    where = f"task {task_name}" if task_name else "the workflow"
    return [f"ERROR: {where} failed: {run.status_message or reason} ({reason})"]


def engine_lines(run: Run, engine: str, task_names: list[tuple[str, str]]) -> list[str]:
    """The engine's own lines before the ending ones."""
    lines = [f"omics-mock {engine or 'workflow'} engine: starting workflow run {run.id}"]
    lines.extend(f"submitted task {name} ({task_id})" for name, task_id in task_names)
    return lines
