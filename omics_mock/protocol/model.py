"""The omics service model, loaded once and turned into per-operation specs.

Everything the protocol layer needs about an operation (its HTTP binding, where
each input member travels, how to validate it, how to answer) is derived here
from botocore's model, once per process, so that the per-request path only
looks things up.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from botocore.loaders import create_loader
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from .validate import Check, ValidatorCompiler

SERVICE_NAME = "omics"


@dataclass(frozen=True)
class MemberBinding:
    """Where one input member travels on the wire."""

    member: str
    wire_name: str
    type_name: str
    list_member_type: str | None = None


@dataclass
class OperationSpec:
    """What the protocol layer knows about one operation."""

    name: str
    method: str
    uri: str
    path_regex: re.Pattern[str]
    literal_segments: int
    segment_count: int
    first_segment: str
    uri_members: tuple[MemberBinding, ...]
    query_members: tuple[MemberBinding, ...]
    header_members: tuple[MemberBinding, ...]
    body_members: tuple[MemberBinding, ...]
    payload_member: MemberBinding | None
    blob_body_members: tuple[str, ...]
    timestamp_body_members: tuple[str, ...]
    success_status: int
    has_output: bool
    output_header_members: tuple[MemberBinding, ...]
    errors: dict[str, int]
    model: OperationModel
    _validator: Check | None = field(default=None, repr=False)

    def validator(self, compiler: ValidatorCompiler) -> Check:
        """The compiled input validator (compiled on first use)."""
        if self._validator is None:
            shape = self.model.input_shape
            if shape is None:
                self._validator = _no_input
            else:
                self._validator = compiler.for_shape(shape)
        return self._validator


def _no_input(value: Any, path: str, errors: list[str]) -> None:
    """Operations without an input shape accept an empty request."""


_LABEL = re.compile(r"\{([^}]+)\}")


def _path_regex(uri: str) -> tuple[re.Pattern[str], int, int, str]:
    path = uri.split("?", 1)[0]
    segments = [s for s in path.split("/") if s]
    parts: list[str] = []
    literal = 0
    for segment in segments:
        label = _LABEL.fullmatch(segment)
        if label is None:
            parts.append(re.escape(segment))
            literal += 1
            continue
        name = label.group(1)
        if name.endswith("+"):
            parts.append(f"(?P<{_group(name[:-1])}>.+)")
        else:
            parts.append(f"(?P<{_group(name)}>[^/]+)")
    regex_text = "^/" + "/".join(parts) + "/?$"
    first = segments[0] if segments else ""
    return re.compile(regex_text), literal, len(segments), first


def _group(label: str) -> str:
    return re.sub(r"\W", "_", label)


def _binding(name: str, shape: Shape) -> MemberBinding:
    wire = shape.serialization.get("name", name)
    list_type = None
    if shape.type_name == "list":
        list_type = shape.member.type_name  # type: ignore[attr-defined]
    return MemberBinding(name, wire, shape.type_name, list_type)


def _build_spec(model: OperationModel) -> OperationSpec:
    http = model.http
    uri = http["requestUri"]
    path_regex, literal, count, first = _path_regex(uri)
    uri_members: list[MemberBinding] = []
    query: list[MemberBinding] = []
    headers: list[MemberBinding] = []
    body: list[MemberBinding] = []
    blobs: list[str] = []
    timestamps: list[str] = []
    payload: MemberBinding | None = None
    shape = model.input_shape
    if isinstance(shape, StructureShape):
        payload_name = shape.serialization.get("payload")
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            binding = _binding(name, member)
            if location == "uri":
                uri_members.append(
                    MemberBinding(name, _group(binding.wire_name), member.type_name)
                )
            elif location == "querystring":
                query.append(binding)
            elif location in ("header", "headers"):
                headers.append(binding)
            elif name == payload_name:
                payload = binding
            else:
                body.append(binding)
                if member.type_name == "blob":
                    blobs.append(binding.wire_name)
                elif member.type_name == "timestamp":
                    timestamps.append(binding.wire_name)
    output_headers: list[MemberBinding] = []
    out_shape = model.output_shape
    if isinstance(out_shape, StructureShape):
        for name, member in out_shape.members.items():
            if member.serialization.get("location") in ("header", "headers"):
                output_headers.append(_binding(name, member))
    errors = {
        err.name: int(err.metadata.get("error", {}).get("httpStatusCode", 400))
        for err in model.error_shapes
    }
    return OperationSpec(
        name=model.name,
        method=http["method"],
        uri=uri,
        path_regex=path_regex,
        literal_segments=literal,
        segment_count=count,
        first_segment=first,
        uri_members=tuple(uri_members),
        query_members=tuple(query),
        header_members=tuple(headers),
        body_members=tuple(body),
        payload_member=payload,
        blob_body_members=tuple(blobs),
        timestamp_body_members=tuple(timestamps),
        success_status=int(http.get("responseCode", 200)),
        has_output=out_shape is not None,
        output_header_members=tuple(output_headers),
        errors=errors,
        model=model,
    )


class ServiceSpec:
    """The whole service: operation specs plus the error status table."""

    def __init__(self, service_model: ServiceModel) -> None:
        self.service_model = service_model
        self.operations: dict[str, OperationSpec] = {
            name: _build_spec(service_model.operation_model(name))
            for name in service_model.operation_names
        }
        self.error_status: dict[str, int] = {
            shape.name: int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
            for shape in service_model.error_shapes
        }
        self.validators = ValidatorCompiler()


_lock = threading.Lock()
_spec: ServiceSpec | None = None


def load_service_model() -> ServiceModel:
    """botocore's omics model from the installed botocore."""
    loader = create_loader()
    return ServiceModel(loader.load_service_model(SERVICE_NAME, "service-2"), SERVICE_NAME)


def service_spec() -> ServiceSpec:
    """The process-wide service spec, built on first use."""
    global _spec
    if _spec is None:
        with _lock:
            if _spec is None:
                _spec = ServiceSpec(load_service_model())
    return _spec
