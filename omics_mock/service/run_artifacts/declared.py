"""The outputs a workflow declares, read from its definition.

WDL: the ``output`` section of the ``workflow`` block (``File``, ``Array[File]``
and values such as ``Int``). CWL: the Workflow's ``outputs``. Nextflow: the
``publishDir`` directories under ``/mnt/workflow/pubdir`` (the only place
HealthOmics exports from), one output per publishing process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..workflows.parameters import balanced_body

FILE = "File"
FILES = "Files"
VALUE = "Value"
PUBDIR = "/mnt/workflow/pubdir"

_WDL_WORKFLOW = re.compile(r"^\s*workflow\s+([A-Za-z_]\w*)\s*\{", re.MULTILINE)
_WDL_OUTPUT = re.compile(r"\boutput\s*\{")
_WDL_DECLARATION = re.compile(
    r"^\s*(?P<type>[A-Za-z]\w*(?:\[[^=]*?\])?[?+]?)\s+(?P<name>[A-Za-z_]\w*)\s*="
    r"\s*(?P<expression>[^\n]*)",
    re.MULTILINE,
)
_NF_PROCESS = re.compile(r"^\s*process\s+(\w+)\s*\{", re.MULTILINE)
_NF_PUBLISH = re.compile(r"\bpublishDir\s*\(?\s*(?:path\s*:\s*)?(['\"])(?P<path>[^'\"]+)\1")
_NF_OUTDIR = re.compile(r"\boutdir\s*=\s*(['\"])(?P<path>[^'\"]+)\1")


@dataclass(frozen=True, slots=True)
class Output:
    """One declared output: a file, an array of files, or a value (``Int``, ``String``...)."""

    name: str
    kind: str
    type_name: str = "File"
    file_name: str = ""
    """The file's name when nothing else says (``<name>.txt``; Nextflow: the process's)."""
    value: Any = None
    """A value output's literal value in the definition (``Int n = 3``), if it has one."""


@dataclass(frozen=True, slots=True)
class Declared:
    """A definition's declared outputs, and the WDL workflow name that prefixes them."""

    engine: str
    workflow_name: str
    outputs: tuple[Output, ...]
    parameter_template: str = "{}"
    """The definition's ``parameterTemplate`` as compact JSON (the manifest's run record)."""


def declared_outputs(definition: Any, fallback_name: str) -> Declared:
    """The outputs ``definition`` declares (none when it has no readable source)."""
    engine = (getattr(definition, "engine", None) or "").upper()
    engine = "WDL" if engine.startswith("WDL") else engine
    bundle = getattr(definition, "bundle", None)
    files: dict[str, bytes] = getattr(bundle, "files", None) or {}
    main = getattr(bundle, "main", None)
    sources = [
        content.decode("utf-8", errors="replace")
        for name, content in files.items()
        if name == main or name.endswith((".wdl", ".nf", ".cwl", ".config"))
    ]
    if engine == "WDL":
        return _wdl("\n".join(sources), fallback_name)
    if engine == "CWL":
        text = files.get(main or "", b"").decode("utf-8", errors="replace")
        return Declared(engine, fallback_name, _cwl(text))
    if engine == "NEXTFLOW":
        return Declared(engine, fallback_name, _nextflow("\n".join(sources)))
    return Declared(engine, fallback_name, ())


def _wdl(source: str, fallback_name: str) -> Declared:
    workflow = _WDL_WORKFLOW.search(source)
    if workflow is None:
        return Declared("WDL", fallback_name, ())
    body = balanced_body(source, workflow.end())
    section = _WDL_OUTPUT.search(body)
    outputs: list[Output] = []
    if section is not None:
        for match in _WDL_DECLARATION.finditer(balanced_body(body, section.end())):
            type_name, name = match.group("type"), match.group("name")
            bare = type_name.rstrip("?+")
            if bare.startswith("Array[") and "File" in bare:
                kind = FILES
            elif bare == "File":
                kind = FILE
            else:
                kind = VALUE
            value = _literal(match.group("expression")) if kind == VALUE else None
            outputs.append(Output(name, kind, type_name, f"{name}.txt", value))
    return Declared("WDL", workflow.group(1), tuple(outputs))


def _literal(expression: str) -> Any:
    """The value of a literal WDL expression (``3``, ``"x"``, ``true``); ``None`` otherwise."""
    text = expression.strip()
    if text in ("true", "false"):
        return text == "true"
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, (int, float, str)) else None


def _cwl(source: str) -> tuple[Output, ...]:
    document = _load(source)
    if isinstance(document, dict) and isinstance(document.get("$graph"), list):
        document = next(
            (d for d in document["$graph"] if isinstance(d, dict) and d.get("class") == "Workflow"),
            {},
        )
    if not isinstance(document, dict):
        return ()
    declared = document.get("outputs") or {}
    if isinstance(declared, list):
        declared = {str(o.get("id", "")): o for o in declared if isinstance(o, dict)}
    if not isinstance(declared, dict):
        return ()
    outputs = []
    for raw_name, spec in declared.items():
        name = str(raw_name).lstrip("#").rsplit("/", 1)[-1]
        if name:
            kind, type_name = _cwl_kind(spec.get("type") if isinstance(spec, dict) else spec)
            outputs.append(Output(name, kind, type_name, f"{name}.txt"))
    return tuple(outputs)


def _cwl_kind(kind: Any) -> tuple[str, str]:
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "File")
    if isinstance(kind, dict):
        items = kind.get("items")
        if kind.get("type") == "array" and items in ("File", "File?"):
            return FILES, "File[]"
        return VALUE, str(kind.get("type"))
    text = str(kind)
    bare = text.rstrip("?")
    if bare == "File":
        return FILE, text
    if bare == "File[]":
        return FILES, text
    return VALUE, text


def _load(source: str) -> Any:
    try:
        return json.loads(source)
    except ValueError:
        pass
    import yaml

    try:
        return yaml.safe_load(source)
    except yaml.YAMLError:
        return None


def _nextflow(source: str) -> tuple[Output, ...]:
    outdir = _NF_OUTDIR.search(source)
    base = outdir.group("path") if outdir is not None else PUBDIR
    outputs: dict[str, Output] = {}
    for process in _NF_PROCESS.finditer(source):
        body = balanced_body(source, process.end())
        published = _NF_PUBLISH.search(body)
        if published is None:
            continue
        path = re.sub(r"\$\{?params\.outdir\}?", base, published.group("path"))
        if not (path == PUBDIR or path.startswith(PUBDIR + "/")):
            continue
        directory = path[len(PUBDIR) :].strip("/")
        name = process.group(1)
        outputs.setdefault(name, Output(directory, FILE, "path", f"{name.lower()}.txt"))
    return tuple(outputs.values())
