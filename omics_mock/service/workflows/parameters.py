"""What HealthOmics learns from a workflow's main file: parameters, outline, profiles.

When a workflow has no ``parameterTemplate``, the service derives one from the
main definition file (User Guide, "Parameter template files"):

* WDL: the workflow's inputs; nullable (``T?``) or defaulted inputs are
  optional; descriptions come from the workflow's ``parameter_meta``;
* CWL: the ``inputs``; nullable or defaulted inputs are optional; descriptions
  come from ``label``;
* Nextflow: ``nextflow_schema.json`` when present (``required`` lists decide),
  otherwise the ``params.*`` the definition assigns, which all have defaults
  and so are optional (an approximation of the mock).

A missing description is an empty string, as the guide says. Parsing is
lenient: this is a test double, not a compiler.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

Template = dict[str, dict[str, Any]]


@dataclass
class Derived:
    """What the main file tells the service besides its engine."""

    template: Template = field(default_factory=dict)
    outline: str | None = None
    profiles: list[str] = field(default_factory=list)
    profile_templates: dict[str, Template] = field(default_factory=dict)
    namespace: str | None = None
    """The WDL workflow's name: inputs may also be given as ``<namespace>.<input>``."""


def derive(engine: str, main: str, files: dict[str, bytes]) -> Derived:
    """Template (and outline, profiles) for the workflow whose main file is ``main``."""
    source = _text(files[main])
    if engine.startswith("WDL"):
        return _wdl(main, source)
    if engine == "NEXTFLOW":
        return _nextflow(main, source, files)
    if engine == "CWL":
        return Derived(template=_cwl(source))
    return Derived()


def template_from_document(document: Any) -> Template:
    """A parameter template read from a JSON file; ``TypeError`` if malformed."""
    if not isinstance(document, dict) or not document:
        raise TypeError("a parameter template must be a non-empty JSON object")
    template: Template = {}
    for name, spec in document.items():
        if not isinstance(spec, dict):
            raise TypeError(f"parameter {name} must be a JSON object")
        entry: dict[str, Any] = {"description": str(spec.get("description", ""))}
        if "optional" in spec:
            if not isinstance(spec["optional"], bool):
                raise TypeError(f"parameter {name}: optional must be true or false")
            entry["optional"] = spec["optional"]
        template[str(name)] = entry
    return template


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _entry(description: str, optional: bool) -> dict[str, Any]:
    return {"description": description, "optional": optional}


_BRACE = re.compile(r"[{}]")


def balanced_body(source: str, start: int) -> str:
    """The text from ``start`` (just after an opening brace) to its closing brace."""
    depth = 1
    for brace in _BRACE.finditer(source, start):  # only the braces, not every character
        if brace.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return source[start : brace.start()]
    return source[start:]


# -- WDL ---------------------------------------------------------------------------

_WDL_COMMENT = re.compile(r"#[^\n]*")
_WDL_WORKFLOW = re.compile(r"^\s*workflow\s+(?P<name>[A-Za-z_]\w*)\s*\{", re.MULTILINE)
_WDL_TASK = re.compile(r"^\s*task\s+(?P<name>[A-Za-z_]\w*)\s*\{", re.MULTILINE)
_WDL_CALL = re.compile(r"\bcall\s+(?P<name>[A-Za-z_][\w.]*)")
_WDL_DECLARATION = re.compile(
    r"^\s*(?P<type>[A-Z]\w*(?:\[[^=]*\])?[?+]*)\s+(?P<name>[A-Za-z_]\w*)\s*(?P<default>=.*)?$"
)
_WDL_META_ENTRY = re.compile(
    r"^\s*(?P<name>[A-Za-z_]\w*)\s*:\s*(?:\"(?P<text>[^\"]*)\"|\{(?P<object>[^}]*)\}?)",
    re.MULTILINE,
)
_WDL_META_DESCRIPTION = re.compile(r"(?:description|help)\s*:\s*\"(?P<text>[^\"]*)\"")


def _wdl(main: str, raw: str) -> Derived:
    source = _WDL_COMMENT.sub("", raw)
    workflow = _WDL_WORKFLOW.search(source)
    if workflow is None:
        return Derived()
    body = balanced_body(source, workflow.end())
    inputs = _wdl_block(body, "input")
    declarations = inputs if inputs is not None else _top_level(body)
    descriptions = _wdl_descriptions(_wdl_block(body, "parameter_meta") or "")
    template: Template = {}
    for line in declarations.splitlines():
        declared = _WDL_DECLARATION.match(line)
        if declared is None:
            continue
        optional = declared.group("type").rstrip("+").endswith("?") or bool(
            declared.group("default")
        )
        name = declared.group("name")
        template[name] = _entry(descriptions.get(name, ""), optional)
    calls = [m.group("name") for m in _WDL_CALL.finditer(body)]
    tasks = [m.group("name") for m in _WDL_TASK.finditer(source)]
    outline = f"{main}\n    workflow {workflow.group('name')}\n"
    outline += "".join(f"        call {name}\n" for name in calls)
    outline += "".join(f"    task {name}\n" for name in tasks)
    return Derived(template=template, outline=outline, namespace=workflow.group("name"))


_WDL_BLOCKS = {
    keyword: re.compile(rf"\b{keyword}\s*\{{") for keyword in ("input", "parameter_meta")
}


def _wdl_block(body: str, keyword: str) -> str | None:
    found = _WDL_BLOCKS[keyword].search(body)
    return None if found is None else balanced_body(body, found.end())


def _top_level(body: str) -> str:
    """Lines of a draft-2 workflow body that are outside any nested block."""
    lines, depth = [], 0
    for line in body.splitlines():
        if depth == 0:
            lines.append(line)
        depth += line.count("{") - line.count("}")
    return "\n".join(lines)


def _wdl_descriptions(meta: str) -> dict[str, str]:
    descriptions: dict[str, str] = {}
    for entry in _WDL_META_ENTRY.finditer(meta):
        if entry.group("text") is not None:
            descriptions[entry.group("name")] = entry.group("text")
        elif entry.group("object") is not None:
            found = _WDL_META_DESCRIPTION.search(entry.group("object"))
            if found is not None:
                descriptions[entry.group("name")] = found.group("text")
    return descriptions


# -- Nextflow ----------------------------------------------------------------------

_NF_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_NF_PARAM = re.compile(r"\bparams\.(?P<name>[A-Za-z_]\w*)\s*=(?!=)")
_NF_BLOCK_ASSIGNMENT = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*)\s*=(?!=)", re.MULTILINE)
_NF_PROFILE = re.compile(r"(?P<name>[A-Za-z_][\w-]*)\s*\{")


def _nextflow(main: str, source: str, files: dict[str, bytes]) -> Derived:
    config = _NF_COMMENT.sub("", _text(_sibling(files, main, "nextflow.config") or b""))
    schema = _sibling(files, main, "nextflow_schema.json")
    template = _nextflow_schema(schema) if schema is not None else None
    if template is None:
        names = _nf_params(_NF_COMMENT.sub("", source)) + _nf_params(_without_profiles(config))
        template = {name: _entry("", True) for name in dict.fromkeys(names)}
    derived = Derived(template=template)
    for name, body in _nf_profiles(config):
        derived.profiles.append(name)
        own = {p: _entry("", True) for p in dict.fromkeys(_nf_params(body))}
        derived.profile_templates[name] = {**template, **own}
    return derived


def _sibling(files: dict[str, bytes], main: str, name: str) -> bytes | None:
    folder = main.rsplit("/", 1)[0] + "/" if "/" in main else ""
    return files.get(folder + name, files.get(name))


def _nf_params(source: str) -> list[str]:
    names = [m.group("name") for m in _NF_PARAM.finditer(source)]
    for block in re.finditer(r"\bparams\s*\{", source):
        body = balanced_body(source, block.end())
        names.extend(m.group("name") for m in _NF_BLOCK_ASSIGNMENT.finditer(_top_level(body)))
    return names


def _nf_profiles(config: str) -> list[tuple[str, str]]:
    found = re.search(r"\bprofiles\s*\{", config)
    if found is None:
        return []
    body = balanced_body(config, found.end())
    profiles, position = [], 0
    while (entry := _NF_PROFILE.search(body, position)) is not None:
        inner = balanced_body(body, entry.end())
        profiles.append((entry.group("name"), inner))
        position = entry.end() + len(inner) + 1
    return profiles


def _without_profiles(config: str) -> str:
    found = re.search(r"\bprofiles\s*\{", config)
    if found is None:
        return config
    body = balanced_body(config, found.end())
    return config[: found.start()] + config[found.end() + len(body) + 1 :]


def _nextflow_schema(raw: bytes) -> Template | None:
    try:
        schema = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(schema, dict):
        return None
    groups = [schema]
    for key in ("definitions", "$defs"):
        nested = schema.get(key)
        if isinstance(nested, dict):
            groups.extend(g for g in nested.values() if isinstance(g, dict))
    template: Template = {}
    for group in groups:
        required = set(group.get("required") or [])
        properties = group.get("properties")
        if not isinstance(properties, dict):
            continue
        for name, spec in properties.items():
            spec = spec if isinstance(spec, dict) else {}
            optional = name not in required or "default" in spec
            template[name] = _entry(str(spec.get("description", "")), optional)
    return template


# -- CWL -----------------------------------------------------------------------------


def _cwl(source: str) -> Template:
    document = _load_cwl(source)
    if not isinstance(document, dict):
        return {}
    if document.get("class") != "Workflow" and isinstance(document.get("$graph"), list):
        document = next(
            (
                d
                for d in document["$graph"]
                if isinstance(d, dict) and d.get("id") in ("main", "#main")
            ),
            {},
        )
    inputs = document.get("inputs") or {}
    if isinstance(inputs, list):
        inputs = {str(i.get("id", "")): i for i in inputs if isinstance(i, dict)}
    if not isinstance(inputs, dict):
        return {}
    template: Template = {}
    for name, spec in inputs.items():
        key = str(name).lstrip("#").rsplit("/", 1)[-1]
        if key:
            label = spec.get("label", "") if isinstance(spec, dict) else ""
            template[key] = _entry(str(label), _cwl_optional(spec))
    return template


def _load_cwl(source: str) -> Any:
    try:
        return json.loads(source)
    except ValueError:
        pass
    try:
        import yaml  # a declared dependency, imported only for CWL definitions
    except ImportError:  # pragma: no cover
        return None
    try:
        return yaml.safe_load(source)
    except yaml.YAMLError:
        return None


def _cwl_optional(spec: Any) -> bool:
    if isinstance(spec, str):
        return spec.endswith("?")
    if not isinstance(spec, dict):
        return False
    if "default" in spec:
        return True
    kind = spec.get("type")
    if isinstance(kind, str):
        return kind.endswith("?")
    if isinstance(kind, list):
        return "null" in kind
    return False
