"""The tasks a workflow's runs execute, read from its definition.

WDL ``call`` statements (with ``runtime`` cpu/memory/gpu of the called task),
Nextflow ``process`` blocks (``cpus``/``memory``/``accelerator``) and CWL
``steps`` give the task names and resources; a definition with none of these
(or no definition at all) gets three generic tasks. Resources default to
2 vCPUs and 4 GiB, with one GPU per task for GPU workflows.

A task's container image is the one its definition declares: WDL ``runtime``
``docker``/``container``, Nextflow ``container`` (or ``process.container`` in
``nextflow.config``), CWL ``DockerRequirement`` ``dockerPull`` (of the step, its
``run`` file, or the workflow). An image given by an expression is not known.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import replace
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
_WDL_RUNTIME = re.compile(r"\bruntime\s*\{")
_WDL_IMAGE = re.compile(r"\b(?:docker|container)\s*:\s*\[?\s*(?:\"([^\"]*)\"|'([^']*)')")
_NF_IMAGE = re.compile(r"^\s*container\s*=?\s*(?:\"([^\"]*)\"|'([^']*)')", re.MULTILINE)
_NF_DEFAULT_IMAGE = re.compile(
    r"^\s*process\.container\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.MULTILINE
)
_CWL_IMAGE = re.compile(r"\bdockerPull\s*:\s*[\"']?([^\s\"'}]+)")
_CWL_RUN = re.compile(r"^\s*run\s*:\s*[\"']?([^\s\"'#]+\.cwl)\b", re.MULTILINE)
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
        found = _nextflow(source)
    elif engine == "CWL":
        found = _cwl(bundle.files, bundle.main) if bundle is not None else []
    if not found:
        found = [TaskTemplate(name) for name in ("prepare", "process", "collect")]
    if gpu_workflow:
        found = [t if t.gpus else replace(t, gpus=1) for t in found]
    return tuple(found[:MAX_TASKS])


def _wdl(source: str) -> list[TaskTemplate]:
    tasks = {t.name: t for t in _blocks(source, _WDL_TASK)}
    calls = []
    for match in _WDL_CALL.finditer(source):
        target = match.group(1).rsplit(".", 1)[-1]
        alias = match.group(2) or target
        known = tasks.get(target)
        calls.append(replace(known, name=alias) if known else TaskTemplate(alias))
    return calls or list(tasks.values())


def _wdl_image(body: str) -> str | None:
    runtime = _WDL_RUNTIME.search(body)
    if runtime is None:
        return None
    return _quoted(_WDL_IMAGE.search(balanced_body(body, runtime.end())))


def _nextflow(source: str) -> list[TaskTemplate]:
    default = _quoted(_NF_DEFAULT_IMAGE.search(source))
    found = _blocks(source, _NF_PROCESS, lambda body: _quoted(_NF_IMAGE.search(body)))
    return [t if t.image else replace(t, image=default) for t in found]


def _quoted(match: re.Match[str] | None) -> str | None:
    """The literal string a pattern with two groups (double, single quotes) caught;
    ``None`` for none, or for an interpolated one (``~{image}``, ``${image}``)."""
    if match is None:
        return None
    text = match.group(1) if match.group(1) is not None else match.group(2)
    if not text or "{" in text:
        return None
    return text


def _blocks(
    source: str,
    header: re.Pattern[str],
    image: Callable[[str], str | None] = _wdl_image,
) -> list[TaskTemplate]:
    found = []
    for match in header.finditer(source):
        body = balanced_body(source, match.end())
        found.append(_resources(match.group(1), body, image(body)))
    return found


def _resources(name: str, body: str, image: str | None = None) -> TaskTemplate:
    cpus = int(m.group(1)) if (m := _CPU.search(body)) else 2
    memory = _gib(m.group(1), m.group(2)) if (m := _MEMORY.search(body)) else 2 * cpus
    gpus = 0
    if gpu := _GPU.search(body):
        gpus = int(gpu.group(1) or gpu.group(2) or 1)
    return TaskTemplate(name, max(cpus, 1), max(memory, 1), gpus, image)


def _gib(amount: str, unit: str | None) -> int:
    value = float(amount)
    unit = (unit or "G").upper()
    if unit.startswith("M"):
        value /= 1024
    elif unit.startswith("T"):
        value *= 1024
    return max(int(round(value)), 1)


def _cwl(files: dict[str, bytes], main: str | None) -> list[TaskTemplate]:
    source = _text(files.get(main or "", b""))
    found = _CWL_STEPS.search(source)
    if found is None:
        return []
    steps: list[tuple[str, list[str]]] = []
    lines = source[found.end() :].splitlines()[1:]
    end = next((i for i, line in enumerate(lines) if line and not line.startswith(" ")), len(lines))
    for line in lines[:end]:
        step = _CWL_STEP.match(line)
        if step:
            steps.append((step.group(1), []))
        elif steps:
            steps[-1][1].append(line)
    default = _image_outside_steps(source[: found.start()] + "\n".join(lines[end:]))
    return [
        TaskTemplate(name, image=_cwl_step_image("\n".join(body), files, main) or default)
        for name, body in steps
    ]


def _cwl_step_image(body: str, files: dict[str, bytes], main: str | None) -> str | None:
    """The step's own ``dockerPull``, else that of the tool its ``run`` names."""
    if image := _CWL_IMAGE.search(body):
        return image.group(1)
    run = _CWL_RUN.search(body)
    if run is None:
        return None
    folder = posixpath.dirname(main or "")
    tool = files.get(posixpath.normpath(posixpath.join(folder, run.group(1))))
    found = _CWL_IMAGE.search(_text(tool)) if tool is not None else None
    return found.group(1) if found else None


def _image_outside_steps(header: str) -> str | None:
    """A ``dockerPull`` in the workflow's own requirements or hints."""
    found = _CWL_IMAGE.search(header)
    return found.group(1) if found else None


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
