"""What tests say a workflow's or a run's artefacts contain (the control API sets it).

A ``Script`` holds scripted output files and values, task log lines and failure
log lines. Runs take their workflow's script when they start; a run's own
script, set while it is active, goes over it (``over``). Anything a script
leaves out is generated (``content``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Files = tuple[tuple[str, bytes], ...]


@dataclass(frozen=True, slots=True)
class ScriptedOutput:
    """Files (one for a ``File`` output, several for an array) or a value."""

    files: Files | None = None
    value: Any = None
    array: bool = False


@dataclass(frozen=True)
class Script:
    """Scripted content; ``None`` and empty mappings mean "generate it"."""

    outputs: Mapping[str, ScriptedOutput] = field(default_factory=dict)
    task_lines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Lines of each task's log by task name; ``"*"`` for every task."""
    failure_lines: tuple[str, ...] | None = None
    """Lines that end the engine log and the failed task's log of a failed run."""

    def over(self, base: Script) -> Script:
        """This script where it says something, ``base`` elsewhere."""
        return Script(
            outputs={**base.outputs, **self.outputs},
            task_lines={**base.task_lines, **self.task_lines},
            failure_lines=(
                self.failure_lines if self.failure_lines is not None else base.failure_lines
            ),
        )

    def lines_for(self, task_name: str) -> tuple[str, ...] | None:
        return self.task_lines.get(task_name, self.task_lines.get("*"))


EMPTY = Script()


class ArtifactSteering:
    """Mock-wide scripts by workflow ID (``state.shared(ArtifactSteering)``)."""

    def __init__(self) -> None:
        self.by_workflow: dict[str, Script] = {}
        self.denied_buckets: set[str] = set()
        """Buckets runs cannot write to without moto (their runs end ``EXPORT_FAILED``)."""

    def script_for(self, workflow_id: str) -> Script:
        return self.by_workflow.get(workflow_id, EMPTY)

    def add(self, workflow_id: str, script: Script) -> None:
        self.by_workflow[workflow_id] = script.over(self.script_for(workflow_id))


def scripted_outputs(outputs: Mapping[str, Any]) -> dict[str, ScriptedOutput]:
    """Outputs from the control API's forms (see ``ArtifactsControl.set_outputs``)."""
    if not isinstance(outputs, Mapping):
        raise TypeError("outputs is a mapping of output names to files or values")
    return {_name(name): _one(name, value) for name, value in outputs.items()}


def _name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"an output name is text, not {name!r}")
    return name


def _one(name: str, value: Any) -> ScriptedOutput:
    if isinstance(value, (bytes, bytearray, str)):
        return ScriptedOutput(files=(("", _bytes(value)),), value=value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return ScriptedOutput(files=(_file(name, value),))
    if isinstance(value, list):
        return ScriptedOutput(files=tuple(_file(name, item) for item in value), array=True)
    if value is None or isinstance(value, (bool, int, float, dict)):
        return ScriptedOutput(value=value)
    raise TypeError(
        f"output {name!r}: give bytes or text (the file's content), a (file name, content) "
        f"pair, a list of those, or a JSON value; not {value!r}"
    )


def _file(name: str, item: Any) -> tuple[str, bytes]:
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        file_name, content = item
        clean = file_name.strip("/")
        if not clean or ".." in clean.split("/"):
            raise ValueError(f"output {name!r}: {file_name!r} is not a file name")
        return clean, _bytes(content)
    if isinstance(item, (bytes, bytearray, str)):
        return "", _bytes(item)
    raise TypeError(f"output {name!r}: a file is (file name, content) or content, not {item!r}")


def _bytes(content: Any) -> bytes:
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, (bytes, bytearray)):
        return bytes(content)
    raise TypeError(f"file content is bytes or text, not {content!r}")


def lines(value: Iterable[str] | str, what: str) -> tuple[str, ...]:
    """Log lines from a list of strings (or one string, split on new lines)."""
    found = value.splitlines() if isinstance(value, str) else list(value)
    if not all(isinstance(line, str) for line in found):
        raise TypeError(f"{what} are text lines")
    return tuple(found)
