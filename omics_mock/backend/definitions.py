"""Reading a workflow definition bundle the way HealthOmics does.

A ``definitionZip`` must be a zip archive (otherwise the request is a
``ValidationException``). From it the service finds the main file, detects the
engine and, when no ``parameterTemplate`` is given, derives one from the
workflow's inputs. Problems found here do not fail the request: the workflow
ends in ``FAILED`` with a ``statusMessage``, as on the real service.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..protocol.errors import ValidationException

ENGINE_EXTENSIONS = {".wdl": "WDL", ".nf": "NEXTFLOW", ".cwl": "CWL"}
_MAIN_NAMES = ("main.wdl", "main.nf", "main.cwl")


@dataclass
class DefinitionBundle:
    """What the service learnt from a definition."""

    digest: str
    raw: bytes = b""
    files: dict[str, bytes] = field(default_factory=dict)
    main: str | None = None
    engine: str | None = None
    template: dict[str, dict[str, Any]] | None = None
    readme: str | None = None
    problem: str | None = None


def open_zip(data: bytes, member: str = "definitionZip") -> dict[str, bytes]:
    """The files of a zip archive; a ``ValidationException`` if it is not one."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {
                info.filename: archive.read(info)
                for info in archive.infolist()
                if not info.is_dir()
            }
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ValidationException(
            f"The {member} is not a valid zip archive: {exc}"
        ) from None


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def read_bundle(
    data: bytes,
    *,
    main: str | None,
    engine: str | None,
    template_path: str | None,
    readme_path: str | None,
) -> DefinitionBundle:
    """Inspect a definition zip: main file, engine, parameter template, README."""
    files = open_zip(data)
    bundle = DefinitionBundle(digest=digest_of(data), raw=data, files=files)
    if not files:
        bundle.problem = "The definition zip archive is empty."
        return bundle
    bundle.main = _find_main(files, main, engine, bundle)
    if bundle.main is None:
        return bundle
    detected = ENGINE_EXTENSIONS.get(_extension(bundle.main))
    bundle.engine = engine or detected
    if bundle.engine is None:
        bundle.problem = (
            f"Unable to detect the workflow engine for main file {bundle.main}; set engine."
        )
        return bundle
    if template_path is not None:
        raw = _lookup(files, template_path)
        if raw is None:
            bundle.problem = f"Parameter template file {template_path} was not found in the definition."
            return bundle
        try:
            bundle.template = _template_from_json(json.loads(raw))
        except (ValueError, TypeError) as exc:
            bundle.problem = f"Parameter template file {template_path} is not valid: {exc}"
            return bundle
    else:
        source = files[bundle.main].decode("utf-8", errors="replace")
        bundle.template = derive_template(bundle.engine, source, files)
    if readme_path is not None:
        raw = _lookup(files, readme_path)
        if raw is None:
            bundle.problem = f"README file {readme_path} was not found in the definition."
            return bundle
        bundle.readme = raw.decode("utf-8", errors="replace")
    else:
        for name in ("README.md", "readme.md"):
            if name in files:
                bundle.readme = files[name].decode("utf-8", errors="replace")
    return bundle


def _lookup(files: dict[str, bytes], path: str) -> bytes | None:
    if path in files:
        return files[path]
    for name, content in files.items():
        if name.endswith("/" + path):
            return content
    return None


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _find_main(
    files: dict[str, bytes], main: str | None, engine: str | None, bundle: DefinitionBundle
) -> str | None:
    if main is not None:
        if _lookup(files, main) is None:
            bundle.problem = f"Main workflow file {main} was not found in the definition."
            return None
        return main if main in files else next(n for n in files if n.endswith("/" + main))
    candidates = [n for n in files if _extension(n) in ENGINE_EXTENSIONS]
    if engine is not None:
        wanted = {e for e, name in ENGINE_EXTENSIONS.items() if name == engine.replace("_LENIENT", "")}
        candidates = [n for n in candidates if _extension(n) in wanted]
    top_level = [n for n in candidates if "/" not in n.strip("/")]
    for pool in (top_level, candidates):
        named_main = [n for n in pool if n.rsplit("/", 1)[-1].lower() in _MAIN_NAMES]
        if len(named_main) == 1:
            return named_main[0]
        if len(pool) == 1:
            return pool[0]
    if not candidates:
        bundle.problem = "No workflow definition file (.wdl, .nf or .cwl) was found in the definition."
    else:
        bundle.problem = (
            "The definition has several workflow files "
            f"({', '.join(sorted(candidates)[:5])}); set main to choose one."
        )
    return None


def _template_from_json(document: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(document, dict):
        raise TypeError("a parameter template must be a JSON object")
    template: dict[str, dict[str, Any]] = {}
    for name, spec in document.items():
        if not isinstance(spec, dict):
            raise TypeError(f"parameter {name} must be an object")
        entry: dict[str, Any] = {}
        if "description" in spec:
            entry["description"] = str(spec["description"])
        entry["optional"] = bool(spec.get("optional", False))
        template[str(name)] = entry
    return template


# -- deriving a template from the workflow's declared inputs --------------------

_WDL_INPUT_BLOCK = re.compile(r"\binput\s*\{", re.MULTILINE)
_WDL_DECLARATION = re.compile(
    r"^\s*(?P<type>[A-Za-z][\w\[\],\s]*?(?:\[[^\]]*\])?)(?P<optional>\?)?\+?\s+"
    r"(?P<name>[A-Za-z_]\w*)\s*(?P<default>=.*)?$",
)
_NEXTFLOW_PARAM = re.compile(r"^\s*params\.(?P<name>[A-Za-z_]\w*)\s*=", re.MULTILINE)
_CWL_INPUTS = re.compile(r"^inputs:\s*$", re.MULTILINE)
_CWL_ENTRY = re.compile(r"^  (?P<name>[A-Za-z_][\w-]*):\s*(?P<rest>.*)$")


def derive_template(engine: str, source: str, files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    """The parameter template the service would derive from the main file."""
    if engine.startswith("WDL"):
        return _wdl_template(source)
    if engine == "NEXTFLOW":
        config = files.get("nextflow.config", b"").decode("utf-8", errors="replace")
        return _nextflow_template(source + "\n" + config)
    if engine == "CWL":
        return _cwl_template(source)
    return {}


def _wdl_template(source: str) -> dict[str, dict[str, Any]]:
    workflow_at = source.find("workflow ")
    block = _WDL_INPUT_BLOCK.search(source, max(workflow_at, 0))
    if block is None:
        return {}
    body = _balanced(source, block.end())
    template: dict[str, dict[str, Any]] = {}
    for line in body.splitlines():
        line = line.split("#", 1)[0]
        declared = _WDL_DECLARATION.match(line)
        if declared is None:
            continue
        optional = bool(declared.group("optional") or declared.group("default"))
        template[declared.group("name")] = {"optional": optional}
    return template


def _balanced(source: str, start: int) -> str:
    depth = 1
    for index in range(start, len(source)):
        char = source[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return source[start:index]
    return source[start:]


def _nextflow_template(source: str) -> dict[str, dict[str, Any]]:
    names = dict.fromkeys(m.group("name") for m in _NEXTFLOW_PARAM.finditer(source))
    return {name: {"optional": True} for name in names}


def _cwl_template(source: str) -> dict[str, dict[str, Any]]:
    stripped = source.lstrip()
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except ValueError:
            return {}
        inputs = document.get("inputs", {}) if isinstance(document, dict) else {}
        if isinstance(inputs, list):
            inputs = {i.get("id", ""): i for i in inputs if isinstance(i, dict)}
        return {
            str(name).lstrip("#"): {"optional": _cwl_optional(spec)}
            for name, spec in inputs.items()
            if name
        }
    found = _CWL_INPUTS.search(source)
    if found is None:
        return {}
    template: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for line in source[found.end():].splitlines()[1:]:
        if line and not line.startswith(" "):
            break
        entry = _CWL_ENTRY.match(line)
        if entry is not None:
            rest = entry.group("rest").strip()
            current = {"optional": rest.endswith("?") or "default" in rest}
            template[entry.group("name")] = current
        elif current is not None and line.startswith("    "):
            detail = line.strip()
            if detail.startswith("default:") or (detail.startswith("type:") and detail.endswith("?")):
                current["optional"] = True
    return template


def _cwl_optional(spec: Any) -> bool:
    if isinstance(spec, str):
        return spec.endswith("?")
    if isinstance(spec, dict):
        kind = spec.get("type")
        if isinstance(kind, str) and kind.endswith("?"):
            return True
        if isinstance(kind, list) and "null" in kind:
            return True
        return "default" in spec
    return False
