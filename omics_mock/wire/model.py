"""The omics service model, loaded once and turned into per-operation specs.

Everything the protocol layer needs about an operation (its HTTP binding, where
each input member travels, how to validate it, how to answer) is derived here
from botocore's model, once per process, so that the per-request path only
looks things up.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from botocore.loaders import create_loader
from botocore.model import ListShape, OperationModel, ServiceModel, Shape, StructureShape

from .decode import Decoder, DecoderCompiler, text_converter
from .traits import Paging, Traits, idempotency_token, load_paging
from .validate import Check, ValidatorCompiler, raise_if_failed

SERVICE_NAME = "omics"


@dataclass(frozen=True)
class MemberBinding:
    """Where one member travels on the wire, and how its wire value becomes Python."""

    member: str
    wire_name: str
    type_name: str
    is_list: bool = False
    convert: Decoder | None = None
    """Wire value (text for URI/query/header, JSON for the body) to Python; ``None``: as is."""


class PathPattern:
    """A path template's regular expression, compiled at its first match: a process
    calls few of the service's operations, and compiling all of them took most of the
    time the specs took to build. Threads compiling it together get equal patterns."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def match(self, path: str) -> re.Match[str] | None:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern)
        return compiled.match(path)

    def __repr__(self) -> str:
        return f"PathPattern({self.pattern!r})"


@dataclass
class OperationSpec:
    """What the protocol layer knows about one operation."""

    name: str
    method: str
    uri: str
    path_regex: PathPattern
    empty_label_regex: PathPattern
    """``path_regex`` with labels that may be empty (botocore sends ``/run/`` for ``id=""``)."""
    literal_segments: int
    segment_count: int
    first_segment: str
    uri_members: tuple[MemberBinding, ...]
    query_members: tuple[MemberBinding, ...]
    header_members: tuple[MemberBinding, ...]
    body_members: tuple[MemberBinding, ...]
    payload_member: MemberBinding | None
    success_status: int
    has_output: bool
    output_header_members: tuple[MemberBinding, ...]
    output_payload: MemberBinding | None
    errors: dict[str, int]
    traits: Traits
    host_prefix: str | None
    """The ``endpoint.hostPrefix`` the model gives the operation (``workflows-``)."""
    model: OperationModel
    _validator: Check | None = field(default=None, repr=False)

    def validator(self, compiler: ValidatorCompiler) -> Check:
        """The compiled input validator, compiled on first use.

        Threads making that first use together each get the same complete
        check: the compiler compiles under its lock and caches the result.
        """
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


def _path_regex(uri: str, allow_empty: bool = False) -> tuple[PathPattern, int, int, str]:
    path = uri.split("?", 1)[0]
    segments = [s for s in path.split("/") if s]
    parts: list[str] = []
    literal = 0
    repeat = "*" if allow_empty else "+"
    for segment in segments:
        label = _LABEL.fullmatch(segment)
        if label is None:
            parts.append(re.escape(segment))
            literal += 1
            continue
        name = label.group(1)
        if name.endswith("+"):
            parts.append(f"(?P<{_group(name[:-1])}>.{repeat})")
        else:
            parts.append(f"(?P<{_group(name)}>[^/]{repeat})")
    regex_text = "^/" + "/".join(parts) + "/?$"
    first = segments[0] if segments else ""
    return PathPattern(regex_text), literal, len(segments), first


def _group(label: str) -> str:
    return re.sub(r"\W", "_", label)


def _text_binding(name: str, shape: Shape) -> MemberBinding:
    """A member carried as text (URI label, query string, header)."""
    wire = shape.serialization.get("name", name)
    if isinstance(shape, ListShape):
        return MemberBinding(name, wire, "list", True, text_converter(shape.member.type_name))
    return MemberBinding(name, wire, shape.type_name, False, text_converter(shape.type_name))


class _Bindings:
    """Input members sorted by where they travel."""

    def __init__(self, shape: Shape | None, decoders: DecoderCompiler) -> None:
        self.uri: list[MemberBinding] = []
        self.query: list[MemberBinding] = []
        self.headers: list[MemberBinding] = []
        self.body: list[MemberBinding] = []
        self.payload: MemberBinding | None = None
        if isinstance(shape, StructureShape):
            payload_name = shape.serialization.get("payload")
            for name, member in shape.members.items():
                self._add(name, member, name == payload_name, decoders)

    def _add(self, name: str, member: Shape, is_payload: bool, decoders: DecoderCompiler) -> None:
        location = member.serialization.get("location")
        if location == "uri":
            binding = _text_binding(name, member)
            self.uri.append(replace(binding, wire_name=_group(binding.wire_name)))
        elif location == "querystring":
            self.query.append(_text_binding(name, member))
        elif location in ("header", "headers"):
            self.headers.append(_text_binding(name, member))
        elif is_payload:
            self.payload = MemberBinding(
                name, name, member.type_name, False, decoders.for_shape(member)
            )
        else:
            wire = member.serialization.get("name", name)
            self.body.append(
                MemberBinding(name, wire, member.type_name, False, decoders.for_shape(member))
            )


def _output_bindings(shape: Shape | None) -> tuple[tuple[MemberBinding, ...], MemberBinding | None]:
    headers: list[MemberBinding] = []
    payload: MemberBinding | None = None
    if isinstance(shape, StructureShape):
        payload_name = shape.serialization.get("payload")
        for name, member in shape.members.items():
            if member.serialization.get("location") in ("header", "headers"):
                headers.append(_text_binding(name, member))
            elif name == payload_name:
                payload = MemberBinding(name, name, member.type_name)
    return tuple(headers), payload


def _build_spec(
    model: OperationModel, decoders: DecoderCompiler, paging: Paging | None
) -> OperationSpec:
    http = model.http
    uri = http["requestUri"]
    path_regex, literal, count, first = _path_regex(uri)
    bindings = _Bindings(model.input_shape, decoders)
    output_headers, output_payload = _output_bindings(model.output_shape)
    errors = {
        err.name: int(err.metadata.get("error", {}).get("httpStatusCode", 400))
        for err in model.error_shapes
    }
    return OperationSpec(
        name=model.name,
        method=http["method"],
        uri=uri,
        path_regex=path_regex,
        empty_label_regex=_path_regex(uri, allow_empty=True)[0],
        literal_segments=literal,
        segment_count=count,
        first_segment=first,
        uri_members=tuple(bindings.uri),
        query_members=tuple(bindings.query),
        header_members=tuple(bindings.headers),
        body_members=tuple(bindings.body),
        payload_member=bindings.payload,
        success_status=int(http.get("responseCode", 200)),
        has_output=model.output_shape is not None,
        output_header_members=output_headers,
        output_payload=output_payload,
        errors=errors,
        traits=Traits(idempotency_token(model), paging),
        host_prefix=_host_prefix(model),
        model=model,
    )


def _host_prefix(model: OperationModel) -> str | None:
    endpoint: Any = model.endpoint
    return endpoint.get("hostPrefix") if endpoint else None


class OperationSpecs(dict[str, OperationSpec]):
    """Every operation's spec by name, each built at its first lookup: a process calls a
    few of the service's 107 operations, and building them all cost about 20 ms.

    A plain ``specs[name]`` is a dict lookup once built; membership, iteration and length
    answer for every operation of the model, and the views build them all.
    Threads building one spec together wait for one build.
    """

    def __init__(self, service_model: ServiceModel, paging: dict[str, Paging]) -> None:
        super().__init__()
        self._model = service_model
        self._paging = paging
        self._names = tuple(service_model.operation_names)
        self._known = frozenset(self._names)
        self._decoders = DecoderCompiler()
        self._lock = threading.Lock()

    def __missing__(self, name: str) -> OperationSpec:
        if name not in self._known:
            raise KeyError(name)
        with self._lock:
            spec = dict.get(self, name)
            if spec is None:
                model = self._model.operation_model(name)
                spec = _build_spec(model, self._decoders, self._paging.get(name))
                dict.__setitem__(self, name, spec)
            return spec

    def _all(self) -> None:
        if dict.__len__(self) < len(self._names):
            for name in self._names:
                self[name]

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self._known else default

    def keys(self) -> Any:
        self._all()
        return super().keys()

    def values(self) -> Any:
        self._all()
        return super().values()

    def items(self) -> Any:
        self._all()
        return super().items()


class ServiceSpec:
    """The whole service: operation specs plus the error status table."""

    def __init__(self, service_model: ServiceModel, paging: dict[str, Paging]) -> None:
        self.service_model = service_model
        self.operations = OperationSpecs(service_model, paging)
        self.host_prefixes: frozenset[str] = frozenset(
            prefix
            for name in service_model.operation_names
            if (prefix := _host_prefix(service_model.operation_model(name)))
        )
        self.error_status: dict[str, int] = {
            shape.name: int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
            for shape in service_model.error_shapes
        }
        self.validators = ValidatorCompiler()

    def status_of(self, spec: OperationSpec, code: str) -> int:
        """The HTTP status of error ``code`` answered for ``spec``'s operation."""
        status = spec.errors.get(code)
        if status is None:
            status = self.error_status.get(code, 400)
        return status


_lock = threading.Lock()
_spec: ServiceSpec | None = None
_lent: ServiceModel | None = None
"""A client's omics model, lent before the spec is built (``lend_service_model``)."""


def spec_built() -> bool:
    """Whether the process-wide service spec exists."""
    return _spec is not None


def lend_service_model(model: ServiceModel) -> None:
    """Build the spec, when it is first needed, from this already loaded omics model (a
    client's: the one botocore sends the request with) instead of loading it again."""
    global _lent
    if _spec is None and _lent is None and model.service_name == SERVICE_NAME:
        _lent = model


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
                loader = create_loader()
                model = _lent or ServiceModel(
                    loader.load_service_model(SERVICE_NAME, "service-2"), SERVICE_NAME
                )
                _spec = ServiceSpec(model, load_paging(loader, SERVICE_NAME))
    return _spec


ShapeCheck = tuple[frozenset[str], Callable[[Any], None]]
_shape_checks: dict[str, ShapeCheck] = {}


def shape_check(shape_name: str) -> ShapeCheck:
    """A model shape's member names and a check that raises its ValidationException.

    For values that arrive outside a request (a batch's S3 settings file).
    """
    found = _shape_checks.get(shape_name)
    if found is None:
        spec = service_spec()
        shape = spec.service_model.shape_for(shape_name)
        validate = spec.validators.for_shape(shape)

        def check(value: Any) -> None:
            errors: list[str] = []
            validate(value, "", errors)
            raise_if_failed(errors)

        members = frozenset(shape.members) if isinstance(shape, StructureShape) else frozenset()
        found = _shape_checks.setdefault(shape_name, (members, check))
    return found
