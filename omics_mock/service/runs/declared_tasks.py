"""The tasks a workflow's runs execute, read from its definition.

WDL ``call`` statements (with ``runtime`` cpu/memory/gpu of the called task),
Nextflow ``process`` blocks (``cpus``/``memory``/``accelerator``) and CWL
``steps`` give the task names and resources; a definition with none of these
(or no definition at all) gets three generic tasks. Resources default to
2 vCPUs and 4 GiB, with one GPU per task for GPU workflows.
"""

from __future__ import annotations

import re
from typing import Any

from ..workflows.parameters import balanced_body
from .tasks import TaskTemplate

MAX_TASKS = 20
_WDL_CALL = re.compile(r"^\s*call\s+([\w.]+)(?:\s+as\s+(\w+))?", re.MULTILINE)
_WDL_TASK = re.compile(r"^\s*task\s+(\w+)\s*\{", re.MULTILINE)
_NF_PROCESS = re.compile(r"^\s*process\s+(\w+)\s*\{", re.MULTILINE)
_CWL_STEPS = re.compile(r"^steps:\s*$", re.MULTILINE)
_CWL_STEP = re.compile(r"^  ([A-Za-z_][\w-]*):")
_CPU = re.compile(r"\b(?:cpu|cpus)\s*[:=]?\s*[\"']?(\d+)")
_MEMORY = re.compile(
    r"\bmemory\s*[:=]?\s*[\"']?(\d+(?:\.\d+)?)\s*\.?\s*(G|GB|GiB|M|MB|MiB|T|TB|TiB)?", re.IGNORECASE
)
_GPU = re.compile(
    r"\b(?:gpu\s*:\s*true|acceleratorCount\s*:\s*(\d+)|accelerator\s+(\d+))", re.IGNORECASE
)


def templates_for(definition: Any, gpu_workflow: bool) -> tuple[TaskTemplate, ...]:
    """Task templates for runs of a workflow definition (see module doc)."""
    bundle = getattr(definition, "bundle", None)
    source = ""
    if bundle is not None and bundle.main is not None:
        source = "\n".join(
            content.decode("utf-8", errors="replace")
            for name, content in bundle.files.items()
            if name == bundle.main or name.endswith((".wdl", ".nf", ".cwl", ".config"))
        )
    engine = (getattr(definition, "engine", None) or "").upper()
    found: list[TaskTemplate] = []
    if engine.startswith("WDL"):
        found = _wdl(source)
    elif engine == "NEXTFLOW":
        found = _blocks(source, _NF_PROCESS)
    elif engine == "CWL":
        found = _cwl(source)
    if not found:
        found = [TaskTemplate(name) for name in ("prepare", "process", "collect")]
    if gpu_workflow:
        found = [t if t.gpus else TaskTemplate(t.name, t.cpus, t.memory, 1) for t in found]
    return tuple(found[:MAX_TASKS])


def _wdl(source: str) -> list[TaskTemplate]:
    tasks = {t.name: t for t in _blocks(source, _WDL_TASK)}
    calls = []
    for match in _WDL_CALL.finditer(source):
        target = match.group(1).rsplit(".", 1)[-1]
        alias = match.group(2) or target
        known = tasks.get(target)
        calls.append(
            TaskTemplate(alias, known.cpus, known.memory, known.gpus)
            if known
            else TaskTemplate(alias)
        )
    return calls or list(tasks.values())


def _blocks(source: str, header: re.Pattern[str]) -> list[TaskTemplate]:
    found = []
    for match in header.finditer(source):
        body = balanced_body(source, match.end())
        found.append(_resources(match.group(1), body))
    return found


def _resources(name: str, body: str) -> TaskTemplate:
    cpus = int(m.group(1)) if (m := _CPU.search(body)) else 2
    memory = _gib(m.group(1), m.group(2)) if (m := _MEMORY.search(body)) else 2 * cpus
    gpus = 0
    if gpu := _GPU.search(body):
        gpus = int(gpu.group(1) or gpu.group(2) or 1)
    return TaskTemplate(name, max(cpus, 1), max(memory, 1), gpus)


def _gib(amount: str, unit: str | None) -> int:
    value = float(amount)
    unit = (unit or "G").upper()
    if unit.startswith("M"):
        value /= 1024
    elif unit.startswith("T"):
        value *= 1024
    return max(int(round(value)), 1)


def _cwl(source: str) -> list[TaskTemplate]:
    found = _CWL_STEPS.search(source)
    if found is None:
        return []
    names = []
    for line in source[found.end() :].splitlines()[1:]:
        if line and not line.startswith(" "):
            break
        step = _CWL_STEP.match(line)
        if step:
            names.append(TaskTemplate(step.group(1)))
    return names
