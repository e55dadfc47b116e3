"""Reading a workflow definition bundle the way HealthOmics does.

A ``definitionZip`` must be a zip archive (otherwise the request is a
``ValidationException``). From it the service picks the main file, detects the
engine and, when no ``parameterTemplate`` is given, derives one from the
workflow's inputs (see ``templates``). Problems found here do not fail the
request: the workflow ends in ``FAILED`` with a ``statusMessage``, as on the
real service, where definitions are checked after CreateWorkflow returns.

Main file selection, in order: ``main`` when given (a path in the archive, or
a file name anywhere in it); else the only definition file of the engine's
languages; else the one named ``main.<ext>``. Top-level files are preferred
to nested ones. Anything else is ambiguous and the workflow fails.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from ...wire.errors import ValidationException
from .parameters import Derived, Template, derive, template_from_document

ENGINE_EXTENSIONS = {".wdl": "WDL", ".nf": "NEXTFLOW", ".cwl": "CWL"}
LANGUAGE_OF_ENGINE = {"WDL": "WDL", "WDL_LENIENT": "WDL", "NEXTFLOW": "NEXTFLOW", "CWL": "CWL"}
_README_NAMES = ("README.md", "readme.md", "Readme.md")


@dataclass
class DefinitionBundle:
    """What the service learnt from a definition zip."""

    digest: str
    raw: bytes = b""
    files: dict[str, bytes] = field(default_factory=dict)
    main: str | None = None
    engine: str | None = None
    template: Template | None = None
    readme: str | None = None
    problem: str | None = None
    derived: Derived = field(default_factory=Derived)


def open_zip(data: bytes, member: str = "definitionZip") -> dict[str, bytes]:
    """The files of a zip archive; a ``ValidationException`` if it is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {
                info.filename: archive.read(info)
                for info in archive.infolist()
                if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            }
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ValidationException(f"The {member} is not a valid zip archive: {exc}") from None


def digest_of(data: bytes) -> str:
    """``sha256:<hex>``, the form the service reports."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def read_bundle(
    data: bytes,
    *,
    main: str | None,
    engine: str | None,
    template_path: str | None,
    readme_path: str | None,
    member: str = "definitionZip",
) -> DefinitionBundle:
    """Inspect a definition zip: main file, engine, parameter template, README."""
    files = open_zip(data, member)
    bundle = DefinitionBundle(digest=digest_of(data), raw=data, files=files)
    if not files:
        bundle.problem = "The workflow definition zip archive is empty."
        return bundle
    bundle.main = _find_main(files, main, engine, bundle)
    if bundle.main is None:
        return bundle
    detected = ENGINE_EXTENSIONS.get(_extension(bundle.main))
    bundle.engine = engine or detected
    if bundle.engine is None:
        bundle.problem = (
            f"Unable to detect the workflow engine from the main file {bundle.main}; "
            "specify engine."
        )
        return bundle
    bundle.derived = derive(bundle.engine, bundle.main, files)
    if template_path is not None:
        bundle.template = _template_file(files, template_path, bundle)
        if bundle.problem is not None:
            return bundle
    else:
        bundle.template = bundle.derived.template
    bundle.readme = _readme(files, readme_path, bundle)
    return bundle


def _find_main(
    files: dict[str, bytes], main: str | None, engine: str | None, bundle: DefinitionBundle
) -> str | None:
    if main is not None:
        found = _lookup_name(files, main)
        if found is None:
            bundle.problem = (
                f"The main workflow file {main} was not found in the workflow definition."
            )
        return found
    language = LANGUAGE_OF_ENGINE.get(engine) if engine else None
    candidates = [
        name
        for name in files
        if (kind := ENGINE_EXTENSIONS.get(_extension(name)))
        and (language is None or kind == language)
    ]
    top_level = [name for name in candidates if "/" not in name]
    for pool in (top_level, candidates):
        if len(pool) == 1:
            return pool[0]
        named_main = [n for n in pool if n.rsplit("/", 1)[-1].rsplit(".", 1)[0] == "main"]
        if len(named_main) == 1:
            return named_main[0]
        if pool:
            break
    if not candidates:
        wanted = f"{language} " if language else ""
        bundle.problem = (
            f"No {wanted}workflow definition file (.wdl, .nf or .cwl) was found "
            "in the workflow definition."
        )
    else:
        shown = ", ".join(sorted(candidates)[:5])
        bundle.problem = (
            f"The workflow definition has several workflow files ({shown}) and none is "
            "named main; specify main to choose one."
        )
    return None


def _lookup_name(files: dict[str, bytes], path: str) -> str | None:
    """The archive name for ``path``: exact, else the unique file ending in ``/path``."""
    if path in files:
        return path
    matches = [name for name in files if name.endswith("/" + path.lstrip("/"))]
    return matches[0] if len(matches) == 1 else None


def _template_file(files: dict[str, bytes], path: str, bundle: DefinitionBundle) -> Template | None:
    name = _lookup_name(files, path)
    if name is None:
        bundle.problem = (
            f"The parameter template file {path} was not found in the workflow definition."
        )
        return None
    try:
        return template_from_document(json.loads(files[name]))
    except (ValueError, TypeError) as exc:
        bundle.problem = f"The parameter template file {path} is not valid: {exc}"
        return None


def _readme(files: dict[str, bytes], path: str | None, bundle: DefinitionBundle) -> str | None:
    if path is not None:
        name = _lookup_name(files, path)
        if name is None:
            bundle.problem = f"The README file {path} was not found in the workflow definition."
            return None
        return files[name].decode("utf-8", errors="replace")
    for candidate in _README_NAMES:
        if candidate in files:
            return files[candidate].decode("utf-8", errors="replace")
    return None


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > name.rfind("/") else ""


def parse_registry_map(data: bytes, uri: str) -> dict[str, Any]:
    """A container registry map file read from ``containerRegistryMapUri``."""
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise ValidationException(
            f"The container registry map at {uri} is not valid JSON: {exc}"
        ) from None
    if not isinstance(document, dict) or not (
        set(document) <= {"registryMappings", "imageMappings"}
    ):
        raise ValidationException(
            f"The container registry map at {uri} must be a JSON object with "
            "registryMappings and/or imageMappings."
        )
    return document
