"""Where a new workflow (or version) gets its definition, README and registry map.

Exactly one definition source: ``definitionZip`` (the bytes), ``definitionUri``
(an S3 object, read through ``s3``) or ``definitionRepository`` (a code
repository the mock cannot clone). Content that cannot be read because no S3
source knows the bucket, or that lives in a repository, is recorded as given:
the workflow still becomes ACTIVE, with the engine, main and parameter
template of the request and a digest derived from the location.

At most one README source (``readmeMarkdown``, ``readmeUri``, ``readmePath``),
one registry map source (``containerRegistryMap``, ``containerRegistryMapUri``)
and one template source (``parameterTemplate``, ``parameterTemplatePath``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ...wire.errors import ValidationException
from ..outside import s3
from .definitions import digest_of, parse_registry_map, read_bundle
from .model import Definition

if TYPE_CHECKING:
    from ..kernel.state import Backend, Params

DEFINITION_SOURCES = ("definitionZip", "definitionUri", "definitionRepository")
README_SOURCES = ("readmeMarkdown", "readmeUri", "readmePath")
REGISTRY_SOURCES = ("containerRegistryMap", "containerRegistryMapUri")
TEMPLATE_SOURCES = ("parameterTemplate", "parameterTemplatePath")
MAX_README_BYTES = 500 * 1024


def build_definition(backend: Backend, req: Params) -> Definition:
    """The definition a CreateWorkflow or CreateWorkflowVersion request describes."""
    source = _one_of(req, DEFINITION_SOURCES, required=True) or DEFINITION_SOURCES[0]
    for group in (README_SOURCES, REGISTRY_SOURCES, TEMPLATE_SOURCES):
        _one_of(req, group, required=False)
    definition = Definition(
        engine=req.get("engine"),
        main=req.get("main"),
        parameter_template=req.get("parameterTemplate"),
        storage_type=req.get("storageType"),
        storage_capacity=req.get("storageCapacity"),
        accelerators=req.get("accelerators"),
        container_registry_map=req.get("containerRegistryMap"),
        readme_markdown=checked_readme(req.get("readmeMarkdown"), "readmeMarkdown"),
        readme_path=req.get("readmePath"),
        definition_uri=req.get("definitionUri"),
        definition_repository=req.get("definitionRepository"),
    )
    data = _definition_bytes(backend, req, source)
    if data is None:
        definition.digest = digest_of(_location(req, source).encode("utf-8"))
    else:
        bundle = read_bundle(
            data,
            main=definition.main,
            engine=definition.engine,
            template_path=req.get("parameterTemplatePath"),
            readme_path=definition.readme_path,
            member=source,
        )
        definition.bundle = bundle
        definition.digest = bundle.digest
        definition.main = bundle.main or definition.main
        definition.engine = definition.engine or bundle.engine
        if definition.parameter_template is None:
            definition.parameter_template = bundle.template
    if "readmeUri" in req:
        definition.readme_markdown = _readme_from_s3(backend, req["readmeUri"])
    if "containerRegistryMapUri" in req:
        uri = req["containerRegistryMapUri"]
        raw = s3.read_object(backend, uri, "containerRegistryMapUri")
        if raw is not None:
            definition.container_registry_map = parse_registry_map(raw, uri)
    return definition


def checked_readme(text: str | None, where: str) -> str | None:
    """``text`` if it fits the 500 KiB README limit; ``ValidationException`` otherwise."""
    size = len(text.encode("utf-8")) if text is not None else 0
    if size > MAX_README_BYTES:
        raise ValidationException(
            f"The README ({where}) is {size} bytes; the maximum is {MAX_README_BYTES} bytes."
        )
    return text


def _one_of(req: Params, members: tuple[str, ...], *, required: bool) -> str | None:
    given = [name for name in members if req.get(name) is not None]
    if len(given) > 1 or (required and not given):
        listed = ", ".join(members[:-1]) + f" or {members[-1]}"
        raise ValidationException(
            f"Specify {'exactly' if required else 'at most'} one of {listed}"
            + (f"; the request has {', '.join(given)}." if given else ".")
        )
    return given[0] if given else None


def _definition_bytes(backend: Backend, req: Params, source: str) -> bytes | None:
    if source == "definitionZip":
        data: bytes | None = req["definitionZip"]
    elif source == "definitionUri":
        data = s3.read_object(backend, req["definitionUri"], "definitionUri", same_region=True)
    else:
        return None
    limit = backend.settings.quotas.max_definition_bytes
    if data is not None and len(data) > limit:
        raise ValidationException(
            f"The workflow definition is {len(data)} bytes; the maximum is {limit} bytes."
        )
    return data


def _location(req: Params, source: str) -> str:
    if source == "definitionUri":
        return str(req["definitionUri"])
    repository: dict[str, Any] = req.get("definitionRepository") or {}
    return json.dumps(repository, sort_keys=True)


def _readme_from_s3(backend: Backend, uri: str) -> str | None:
    raw = s3.read_object(backend, uri, "readmeUri")
    return None if raw is None else checked_readme(raw.decode("utf-8", errors="replace"), uri)
