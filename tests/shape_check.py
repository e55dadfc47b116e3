"""Model-driven helpers for tests: valid inputs and output-shape checks.

* ``minimal_input(op)`` / ``full_input(op)``: params that satisfy every
  constraint of the operation's input shape (required members only, or every
  member), generated from botocore's omics model.
* ``assert_matches_output_shape(op, response)``: a boto3 response dict conforms
  to the operation's output shape: known members, types, enums, required
  members. ``strict=True`` adds lengths, ranges and patterns, which the real
  service itself does not always honour in outputs (``GetRun.digest`` is
  ``sha256:<64 hex>``, 71 characters, against a model maximum of 64).

* ``InputStrategies``: hypothesis strategies for every operation's input,
  valid (``valid_input``, ``plausible_input``) and with exactly one broken
  constraint (``invalid_input``, with the ``Mutation`` it made); used by
  ``tests/test_fuzz.py``.
* ``modelled_errors()``: the service's exceptions and their HTTP statuses.

Independent of ``omics_mock.wire`` on purpose: it checks the mock against
the model, not against itself.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex
from botocore.loaders import create_loader
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape
from botocore.response import StreamingBody
from hypothesis import strategies as st

# Values tried, in order, for a string shape with a pattern; the first one
# that satisfies the pattern and the length bounds is used.
STRING_CANDIDATES = (
    "1234567",
    "123456789012",
    "1234567890",
    "a1b2c3",
    "abc",
    "wgs-test_1.0",
    "Name with spaces/and:punctuation",
    "arn:aws:omics:us-east-1:123456789012:workflow/1234567",
    "arn:aws:iam::123456789012:role/omics-run",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:omics/creds",
    "arn:aws:s3:us-east-1:123456789012:accesspoint/omics-ap",
    "arn:aws:codeconnections:us-east-1:123456789012:connection/abc",
    "s3://omics-bucket/prefix/",
    "s3://omics-bucket/key.txt",
    "owner/repo",
    "sg-0123abcd",
    "subnet-0123abcd",
    "12345678-1234-1234-1234-123456789abc",
    "",
)
TIMESTAMP = _dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=_dt.timezone.utc)


@functools.lru_cache(maxsize=1)
def service_model() -> ServiceModel:
    """botocore's omics model (loaded once per test process)."""
    return ServiceModel(create_loader().load_service_model("omics", "service-2"), "omics")


def operation_model(name: str) -> OperationModel:
    return service_model().operation_model(name)


def operation_names() -> list[str]:
    return sorted(service_model().operation_names)


# -- valid inputs ------------------------------------------------------------------


def minimal_input(operation: str) -> dict[str, Any]:
    """Required members only, every value valid."""
    shape = operation_model(operation).input_shape
    return {} if shape is None else valid_value(shape, full=False)


def full_input(operation: str) -> dict[str, Any]:
    """Every member (the first of each union), every value valid."""
    shape = operation_model(operation).input_shape
    return {} if shape is None else valid_value(shape, full=True)


def valid_value(shape: Shape, *, full: bool = False, depth: int = 0) -> Any:
    """A value of ``shape`` that satisfies all of its constraints."""
    if depth > 8:
        raise ValueError(f"shape {shape.name} nests too deeply for a generated value")
    meta = shape.metadata
    if meta.get("document"):
        return {"key": "value"} if full else {}
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        return _valid_structure(shape, full, depth)
    if isinstance(shape, ListShape):
        count = max(meta.get("min", 1), 1)
        return [valid_value(shape.member, full=full, depth=depth + 1) for _ in range(count)]
    if isinstance(shape, MapShape):
        key = valid_value(shape.key, full=full, depth=depth + 1)
        return {key: valid_value(shape.value, full=full, depth=depth + 1)}
    if kind == "string":
        return valid_string(shape)
    if kind in ("integer", "long"):
        return _valid_number(meta, 1)
    if kind in ("float", "double"):
        return float(_valid_number(meta, 1))
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return TIMESTAMP
    if kind == "blob":
        return b"x" * max(meta.get("min", 4), 1)
    raise ValueError(f"no generator for shape type {kind}")


def _valid_structure(shape: StructureShape, full: bool, depth: int) -> dict[str, Any]:
    if shape.metadata.get("union"):
        name, member = next(iter(shape.members.items()))
        return {name: valid_value(member, full=full, depth=depth + 1)}
    names = shape.members if full else shape.required_members
    return {n: valid_value(shape.members[n], full=full, depth=depth + 1) for n in names}


def _valid_number(meta: dict[str, Any], preferred: int) -> int:
    low = int(meta.get("min", preferred))
    value = max(low, preferred)
    return min(value, int(meta["max"])) if "max" in meta else value


def valid_string(shape: Shape) -> str:
    """A string satisfying the shape's enum, pattern and length (never empty if it can be)."""
    meta = shape.metadata
    if "enum" in meta:
        return str(meta["enum"][0])
    low, high = meta.get("min", 0), meta.get("max", 10_000)
    pattern = meta.get("pattern")
    if pattern is None:
        return "x" * max(int(low), 1)
    matches = regex.compile(pattern).fullmatch
    for candidate in _padded(STRING_CANDIDATES, low):
        if low <= len(candidate) <= high and matches(candidate):
            return candidate
    raise ValueError(f"no candidate string fits {shape.name}: {pattern!r} ({low}..{high})")


def _padded(candidates: tuple[str, ...], length: int) -> Iterator[str]:
    """Candidates where they are not empty, padded ones otherwise (pattern allowing)."""
    for candidate in candidates:
        if candidate:
            yield candidate
    for candidate in candidates:
        if candidate and len(candidate) < length:
            yield candidate + candidate[-1] * (length - len(candidate))
    yield ""


# -- output checks -----------------------------------------------------------------


def assert_matches_output_shape(
    operation: str, response: dict[str, Any], *, strict: bool = False
) -> None:
    """Fail with every mismatch between a boto3 response and the output shape."""
    problems = output_problems(operation, response, strict=strict)
    assert not problems, f"{operation} response does not match its output shape:\n" + "\n".join(
        problems
    )


def output_problems(operation: str, response: dict[str, Any], *, strict: bool = False) -> list[str]:
    """Mismatches between a parsed response and the operation's output shape."""
    data = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    shape = operation_model(operation).output_shape
    if shape is None:
        return [f"unexpected members {sorted(data)}"] if data else []
    checker = _Checker(strict)
    checker.check(shape, data, operation)
    return checker.problems


class _Checker:
    """Walks a value along its shape, collecting problems."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.problems: list[str] = []

    def check(self, shape: Shape, value: Any, path: str) -> None:
        if shape.metadata.get("document"):
            return
        if isinstance(shape, StructureShape):
            _check_structure(self, shape, value, path)
        elif isinstance(shape, ListShape):
            _check_list(self, shape, value, path)
        elif isinstance(shape, MapShape):
            _check_map(self, shape, value, path)
        else:
            _check_scalar(self, shape, value, path)

    def size(self, shape: Shape, size: int, path: str) -> None:
        if self.strict:
            _check_size(shape, size, path, self.problems)


def _check_structure(checker: _Checker, shape: StructureShape, value: Any, path: str) -> None:
    problems = checker.problems
    if not isinstance(value, dict):
        problems.append(f"{path}: expected a structure ({shape.name}), got {type(value).__name__}")
        return
    unknown = sorted(set(value) - set(shape.members))
    if unknown:
        problems.append(f"{path}: members not in {shape.name}: {unknown}")
    for name in shape.required_members:
        if value.get(name) is None:
            problems.append(f"{path}.{name}: required member is missing")
    if shape.metadata.get("union") and len([k for k in value if k in shape.members]) > 1:
        problems.append(f"{path}: union {shape.name} has more than one member set")
    for name, member in shape.members.items():
        if value.get(name) is not None:
            checker.check(member, value[name], f"{path}.{name}")


def _check_list(checker: _Checker, shape: ListShape, value: Any, path: str) -> None:
    if not isinstance(value, list):
        checker.problems.append(f"{path}: expected a list, got {type(value).__name__}")
        return
    checker.size(shape, len(value), path)
    for index, item in enumerate(value):
        checker.check(shape.member, item, f"{path}[{index}]")


def _check_map(checker: _Checker, shape: MapShape, value: Any, path: str) -> None:
    if not isinstance(value, dict):
        checker.problems.append(f"{path}: expected a map, got {type(value).__name__}")
        return
    checker.size(shape, len(value), path)
    for key, item in value.items():
        checker.check(shape.key, key, f"{path}<key {key!r}>")
        checker.check(shape.value, item, f"{path}[{key!r}]")


_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "blob": (bytes, bytearray, StreamingBody),
    "timestamp": (_dt.datetime,),
}


def _check_scalar(checker: _Checker, shape: Shape, value: Any, path: str) -> None:
    problems = checker.problems
    kind = shape.type_name
    expected = _SCALAR_TYPES.get(kind, (object,))
    if not isinstance(value, expected) or (kind != "boolean" and isinstance(value, bool)):
        problems.append(f"{path}: expected {kind} ({shape.name}), got {type(value).__name__}")
        return
    meta = shape.metadata
    if isinstance(value, _dt.datetime) and value.tzinfo is None:
        problems.append(f"{path}: timestamp without a time zone")
    elif kind == "string" and "enum" in meta and value not in meta["enum"]:
        problems.append(f"{path}: {value!r} is not one of {meta['enum']}")
    if checker.strict:
        _check_constraints(shape, value, path, problems)


def _check_constraints(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    """Lengths, ranges and patterns (strict mode only)."""
    meta = shape.metadata
    if shape.type_name == "string":
        if "pattern" in meta and not regex.compile(meta["pattern"]).fullmatch(value):
            problems.append(f"{path}: {value!r} does not match {meta['pattern']!r}")
        _check_size(shape, len(value), path, problems)
    elif shape.type_name in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            problems.append(f"{path}: {value} is less than {meta['min']}")
        if "max" in meta and value > meta["max"]:
            problems.append(f"{path}: {value} is more than {meta['max']}")


def _check_size(shape: Shape, size: int, path: str, problems: list[str]) -> None:
    meta = shape.metadata
    if "min" in meta and size < meta["min"]:
        problems.append(f"{path}: size {size} is below the minimum {meta['min']}")
    if "max" in meta and size > meta["max"]:
        problems.append(f"{path}: size {size} is above the maximum {meta['max']}")


# -- errors ------------------------------------------------------------------------


def modelled_errors() -> dict[str, int]:
    """Every exception the service models, with its HTTP status (from the model)."""
    return {
        shape.name: int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
        for shape in service_model().error_shapes
    }


# -- hypothesis strategies ---------------------------------------------------------
#
# ``InputStrategies(known).valid_input(op)`` draws params that satisfy every
# constraint of the operation's input shape (a random subset of the optional
# members); ``plausible_input(op)`` draws the required members and those named
# in ``known`` plus at most two others, inputs that often succeed;
# ``invalid_input(op)`` draws a valid input with exactly one constraint broken,
# and says which (``Mutation``). ``known`` maps a member name or shape name to
# values worth reusing (IDs of live resources, a real workflow zip, ...); it is
# read at draw time, so it may grow while a test runs.

_CATEGORY_CLASS = regex.compile(r"\[((?:\\p\{[A-Za-z]+\}|\|\||\\[tnr])+)\]\+")
_SIMPLE_CLASS = regex.compile(r"(\[(?:[^\]\\]|\\.)+\])([+*])")
_BAD_CATEGORIES = ("Cc", "Cf", "Co", "Cs")
"""Characters outside every ``\\p{..}`` class the model uses (L, M, Z, S, N, P)."""
_TEXT_CAP = 48
"""Longest random text drawn for a string whose bounds allow more (boundaries aside)."""
_COLLECTION_CAP = 3
"""Most extra items drawn for a list or map beyond its minimum."""
_BIG = 4096
"""Strings are also drawn at exactly their maximum length when it is at most this."""


@dataclass(frozen=True)
class Mutation:
    """The one constraint an invalid input breaks."""

    path: tuple[str | int, ...]
    kind: str
    """missing, too-long, too-short, pattern, enum, too-big, too-small, type, union-none,
    union-two, too-many, too-few."""
    location: str
    """Where the broken member travels: body, uri, querystring, header, payload."""
    token: bool = False
    """The member is an idempotency token (botocore fills in a missing one)."""

    @property
    def sent_verbatim(self) -> bool:
        """Whether the service sees the broken value as it was drawn.

        botocore turns URI, query and header values into text (so a wrong type
        may become a valid string), fills in missing idempotency tokens, and
        cannot render an empty URI label or a missing one.
        """
        if self.token and self.kind == "missing":
            return False
        if self.location == "uri" and self.kind in ("missing", "too-short"):
            return False
        if self.location == "payload" and self.kind == "missing":
            return False  # no body and an empty body are the same request
        return not (self.location != "body" and self.kind == "type")

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "<input>"
        return f"{self.kind} at {where} ({self.location})"


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
"""Any JSON value (what a document member accepts)."""

WRONG_TYPES: dict[str, st.SearchStrategy[Any]] = {
    "string": st.one_of(
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.lists(st.integers(0, 9), max_size=2),
        st.dictionaries(st.sampled_from("ab"), st.integers(0, 9), max_size=2),
    ),
    "integer": st.one_of(
        st.text(max_size=6),
        st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
        st.booleans(),
        st.lists(st.integers(0, 9), max_size=2),
    ),
    "boolean": st.one_of(
        st.sampled_from(["true", "false", "yes", ""]),
        st.integers(0, 1),
        st.lists(st.booleans(), max_size=2),
    ),
}
WRONG_TYPES["long"] = WRONG_TYPES["integer"]


class InputStrategies:
    """Hypothesis strategies for the omics model's input shapes, valid and invalid."""

    def __init__(self, known: Mapping[str, Sequence[Any]] | None = None) -> None:
        self.known: Mapping[str, Sequence[Any]] = known if known is not None else {}
        self._valid: dict[tuple[str, str | None, int], st.SearchStrategy[Any]] = {}
        self._invalid: dict[str, st.SearchStrategy[tuple[dict[str, Any], Mutation]]] = {}
        self._plausible: dict[str, st.SearchStrategy[dict[str, Any]]] = {}

    # -- whole inputs ----------------------------------------------------------------

    def valid_input(self, operation: str) -> st.SearchStrategy[dict[str, Any]]:
        """Any input that satisfies every constraint of the input shape."""
        shape = operation_model(operation).input_shape
        if shape is None:
            return st.just({})
        return self.valid(shape)

    def can_break_input(self, operation: str) -> bool:
        """Whether the operation has an input with a constraint to break."""
        shape = operation_model(operation).input_shape
        return shape is not None and self.can_break(shape)

    def invalid_input(self, operation: str) -> st.SearchStrategy[tuple[dict[str, Any], Mutation]]:
        """An input with one broken constraint (operations without input: none)."""
        cached = self._invalid.get(operation)
        if cached is None:
            shape = operation_model(operation).input_shape
            if shape is None or not self.can_break(shape):
                cached = st.nothing()
            else:
                cached = self._broken(shape, (), "body", False)
            self._invalid[operation] = cached
        return cached

    # -- valid values ------------------------------------------------------------------

    def valid(
        self, shape: Shape, member: str | None = None, depth: int = 0
    ) -> st.SearchStrategy[Any]:
        """Values of ``shape`` (reached as ``member``) that satisfy all its constraints."""
        key = (shape.name, member, min(depth, 9))
        cached = self._valid.get(key)
        if cached is None:
            cached = self._valid[key] = self._build_valid(shape, member, depth)
        return cached

    def _build_valid(self, shape: Shape, member: str | None, depth: int) -> st.SearchStrategy[Any]:
        base = self._fresh(shape, member, depth)
        if shape.type_name == "string" and shape.serialization.get("location") == "header":
            # botocore sends header text as UTF-8 bytes, which HTTP servers read as
            # ISO-8859-1: only ASCII comes through unchanged
            base = base.filter(str.isascii)
        reused = self._reused(shape, member, base)
        return base if reused is None else st.one_of(reused, base)

    def _reused(
        self, shape: Shape, member: str | None, fallback: st.SearchStrategy[Any]
    ) -> st.SearchStrategy[Any] | None:
        """A value from the pool for ``member`` or ``shape`` (``fallback`` while it is empty)."""
        hints = [h for h in (member, shape.name) if h is not None and h in self.known]
        if not hints:
            return None
        pool = self.known[hints[0]]

        def reuse(index: int, otherwise: Any) -> Any:
            return pool[index % len(pool)] if pool else otherwise

        return st.builds(reuse, st.integers(0, 1 << 16), fallback)

    def _plausible_value(self, shape: Shape, member: str) -> st.SearchStrategy[Any]:
        meta = shape.metadata
        if isinstance(shape, StructureShape) and not meta.get("document"):
            if not meta.get("union"):
                return self._plausible_structure(shape)
            return st.one_of(
                [
                    st.fixed_dictionaries({n: self._plausible_value(m, n)})
                    for n, m in shape.members.items()
                ]
            )
        if isinstance(shape, ListShape) and isinstance(shape.member, StructureShape):
            low = max(int(meta.get("min", 0)), 1)
            return st.lists(
                self._plausible_value(shape.member, member),
                min_size=low,
                max_size=min(int(meta.get("max", 1 << 30)), low + 2),
            )
        values = self._required(shape, member, 1)
        reused = self._reused(shape, member, values)
        return values if reused is None else reused

    def plausible_input(self, operation: str) -> st.SearchStrategy[dict[str, Any]]:
        """Inputs that often succeed: the required members and the members named in
        ``known`` (pool values where there are any), and at most two other members."""
        cached = self._plausible.get(operation)
        if cached is None:
            shape = operation_model(operation).input_shape
            cached = st.just({}) if shape is None else self._plausible_structure(shape)
            self._plausible[operation] = cached
        return cached

    def _plausible_structure(self, shape: StructureShape) -> st.SearchStrategy[dict[str, Any]]:
        members = shape.members
        always = {
            name: self._plausible_value(member, name)
            for name, member in members.items()
            if (name in shape.required_members or name in self.known)
            and not member.metadata.get("idempotencyToken")  # botocore fills these in
        }
        others = sorted(n for n in members if n not in always)
        if not others:
            return st.fixed_dictionaries(always)
        extra = st.lists(st.sampled_from(others), max_size=2, unique=True).flatmap(
            lambda names: st.fixed_dictionaries({n: self.valid(members[n], n, 1) for n in names})
        )
        return st.tuples(st.fixed_dictionaries(always), extra).map(lambda t: {**t[0], **t[1]})

    def _fresh(self, shape: Shape, member: str | None, depth: int) -> st.SearchStrategy[Any]:
        meta = shape.metadata
        if meta.get("document"):
            return st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3) | JSON_VALUES
        if isinstance(shape, StructureShape):
            return self._valid_structure(shape, depth)
        if isinstance(shape, ListShape):
            low = int(meta.get("min", 0))
            return st.lists(
                self.valid(shape.member, None, depth + 1),
                min_size=low,
                max_size=min(int(meta.get("max", 1 << 30)), low + _COLLECTION_CAP),
            )
        if isinstance(shape, MapShape):
            low = int(meta.get("min", 0))
            return st.dictionaries(
                self.valid(shape.key, None, depth + 1),
                self.valid(shape.value, None, depth + 1),
                min_size=low,
                max_size=min(int(meta.get("max", 1 << 30)), low + _COLLECTION_CAP),
            )
        kind = shape.type_name
        if kind == "string":
            return valid_strings(shape)
        if kind in ("integer", "long"):
            bound = 2**31 if kind == "integer" else 2**63
            low, high = int(meta.get("min", -bound)), int(meta.get("max", bound - 1))
            return st.one_of(st.integers(low, high), st.sampled_from(sorted({low, high})))
        if kind in ("float", "double"):
            return st.floats(
                meta.get("min"), meta.get("max"), allow_nan=False, allow_infinity=False
            )
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return st.datetimes(
                min_value=_dt.datetime(1971, 1, 1),
                max_value=_dt.datetime(2100, 1, 1),
                timezones=st.just(_dt.timezone.utc),
            )
        if kind == "blob":
            return st.binary(min_size=int(meta.get("min", 0)), max_size=64)
        raise ValueError(f"no strategy for shape type {kind}")

    def _valid_structure(self, shape: StructureShape, depth: int) -> st.SearchStrategy[Any]:
        members = shape.members
        if shape.metadata.get("union"):
            return st.one_of(
                [
                    st.fixed_dictionaries({name: self.valid(m, name, depth + 1)})
                    for name, m in members.items()
                ]
            )
        required = {n: self._required(members[n], n, depth + 1) for n in shape.required_members}
        optional = (
            {}
            if depth > 6
            else {n: self.valid(m, n, depth + 1) for n, m in members.items() if n not in required}
        )
        return st.fixed_dictionaries(required, optional=optional)

    def _required(self, shape: Shape, member: str, depth: int) -> st.SearchStrategy[Any]:
        """A required member's values. An empty list in a query string or header, or an
        empty streaming payload, is not sent at all: a required one must not be empty."""
        values = self.valid(shape, member, depth)
        if isinstance(shape, ListShape) and shape.serialization.get("location"):
            return values.filter(bool)
        if shape.type_name == "blob" and shape.serialization.get("streaming"):
            return values.filter(bool)  # an empty streaming payload is no body at all
        return values

    # -- invalid values ----------------------------------------------------------------

    def can_break(self, shape: Shape, depth: int = 0) -> bool:
        """Whether some input of ``shape`` can break a constraint the service checks."""
        if shape.metadata.get("document") or depth > 6:
            return False
        if isinstance(shape, StructureShape):
            return bool(
                any(_droppable(shape, name) for name in shape.required_members)
                or shape.metadata.get("union")
                or any(self.can_break(m, depth + 1) for m in shape.members.values())
            )
        return bool(self._scalar_or_collection_breaks(shape, depth))

    def _scalar_or_collection_breaks(self, shape: Shape, depth: int) -> list[str]:
        meta = shape.metadata
        kinds: list[str] = []
        if isinstance(shape, (ListShape, MapShape)):
            if meta.get("min", 0) > 0:
                kinds.append("too-few")
            if "max" in meta:
                kinds.append("too-many")
            inner = [shape.member] if isinstance(shape, ListShape) else [shape.key, shape.value]
            if any(self.can_break(s, depth + 1) for s in inner):
                kinds.append("element")
            return kinds
        kind = shape.type_name
        if kind == "string":
            if "max" in meta:
                kinds.append("too-long")
            if meta.get("min", 0) > 0:
                kinds.append("too-short")
            if "enum" in meta:
                kinds.append("enum")
            elif "pattern" in meta and pattern_breakers(shape) is not None:
                kinds.append("pattern")
            kinds.append("type")
        elif kind in ("integer", "long", "float", "double"):
            if "max" in meta:
                kinds.append("too-big")
            if "min" in meta:
                kinds.append("too-small")
            if kind in WRONG_TYPES:
                kinds.append("type")
        elif kind == "boolean":
            kinds.append("type")
        return kinds

    def _broken(
        self, shape: Shape, path: tuple[str | int, ...], location: str, token: bool
    ) -> st.SearchStrategy[tuple[Any, Mutation]]:
        if isinstance(shape, StructureShape):
            return self._broken_structure(shape, path, location)
        if isinstance(shape, ListShape):
            return self._broken_list(shape, path, location)
        if isinstance(shape, MapShape):
            return self._broken_map(shape, path, location)
        return self._broken_scalar(shape, path, location, token)

    def _broken_structure(
        self, shape: StructureShape, path: tuple[str | int, ...], location: str
    ) -> st.SearchStrategy[tuple[Any, Mutation]]:
        members = shape.members
        depth = len(path)
        options: list[st.SearchStrategy[tuple[Any, Mutation]]] = []
        whole = self.valid(shape, None, depth)
        is_union = bool(shape.metadata.get("union"))
        payload = shape.serialization.get("payload")
        for name in shape.required_members:
            if not _droppable(shape, name):
                continue
            member = members[name]
            where = "payload" if name == payload else member.serialization.get("location", location)
            mutation = Mutation(path + (name,), "missing", where)
            options.append(whole.map(functools.partial(_without, name=name, mutation=mutation)))
        if is_union:
            options.append(st.just(({}, Mutation(path, "union-none", location))))
            if len(members) > 1:
                names = list(members)
                pair = st.fixed_dictionaries(
                    {n: self.valid(members[n], n, depth + 1) for n in names[:2]}
                )
                options.append(pair.map(lambda v: (v, Mutation(path, "union-two", location))))
        for name, member in members.items():
            if not self.can_break(member, depth + 1):
                continue
            where = member.serialization.get("location", location)
            token = bool(member.metadata.get("idempotencyToken"))
            inner = self._broken(member, path + (name,), where, token)
            rest = st.just({}) if is_union else whole
            options.append(st.tuples(rest, inner).map(functools.partial(_with, name=name)))
        return st.one_of(options)

    def _broken_list(
        self, shape: ListShape, path: tuple[str | int, ...], location: str
    ) -> st.SearchStrategy[tuple[Any, Mutation]]:
        meta = shape.metadata
        depth = len(path)
        item = self.valid(shape.member, None, depth + 1)
        options: list[st.SearchStrategy[tuple[Any, Mutation]]] = []
        if meta.get("min", 0) > 0:
            low = int(meta["min"])
            too_few = st.lists(item, max_size=low - 1)
            options.append(too_few.map(lambda v: (v, Mutation(path, "too-few", location))))
        if "max" in meta:
            count = int(meta["max"]) + 1
            options.append(item.map(lambda v: ([v] * count, Mutation(path, "too-many", location))))
        if self.can_break(shape.member, depth + 1):
            low = max(int(meta.get("min", 0)) - 1, 0)
            before = st.lists(item, min_size=low, max_size=low + 1)
            inner = self._broken(shape.member, path + (1,), location, False)
            options.append(st.tuples(before, inner).map(lambda t: (t[0] + [t[1][0]], t[1][1])))
        return st.one_of(options)

    def _broken_map(
        self, shape: MapShape, path: tuple[str | int, ...], location: str
    ) -> st.SearchStrategy[tuple[Any, Mutation]]:
        meta = shape.metadata
        depth = len(path)
        keys = self.valid(shape.key, None, depth + 1)
        values = self.valid(shape.value, None, depth + 1)
        options: list[st.SearchStrategy[tuple[Any, Mutation]]] = []
        if meta.get("min", 0) > 0:
            options.append(st.just(({}, Mutation(path, "too-few", location))))
        if "max" in meta:
            count = int(meta["max"]) + 1
            distinct = distinct_strings(shape.key, count)
            if distinct is not None:
                options.append(
                    values.map(
                        lambda v: (
                            dict.fromkeys(distinct, v),
                            Mutation(path, "too-many", location),
                        )
                    )
                )
        if set(self._scalar_or_collection_breaks(shape.key, depth + 1)) - {"type"}:
            # JSON object keys are always strings: no wrong-type keys
            bad_key = self._broken_scalar(
                shape.key, path + ("<key>",), location, False, allow_type=False
            )
            options.append(st.tuples(bad_key, values).map(lambda t: ({t[0][0]: t[1]}, t[0][1])))
        if self.can_break(shape.value, depth + 1):
            bad_value = self._broken(shape.value, path + ("<value>",), location, False)
            options.append(st.tuples(keys, bad_value).map(lambda t: ({t[0]: t[1][0]}, t[1][1])))
        return st.one_of(options)

    def _broken_scalar(
        self,
        shape: Shape,
        path: tuple[str | int, ...],
        location: str,
        token: bool,
        allow_type: bool = True,
    ) -> st.SearchStrategy[tuple[Any, Mutation]]:
        options = []
        for kind in self._scalar_or_collection_breaks(shape, len(path)):
            if kind == "type" and not allow_type:
                continue
            values = broken_scalars(shape, kind)
            mutation = Mutation(path, kind, location, token)
            options.append(values.map(functools.partial(_paired, mutation=mutation)))
        return st.one_of(options)


def _droppable(shape: StructureShape, name: str) -> bool:
    """Whether botocore can send the structure without this required member: it
    cannot build a URI without its label, and fills in idempotency tokens."""
    member = shape.members[name]
    return member.serialization.get("location") != "uri" and not member.metadata.get(
        "idempotencyToken"
    )


def _paired(value: Any, mutation: Mutation) -> tuple[Any, Mutation]:
    return value, mutation


def _without(value: dict[str, Any], name: str, mutation: Mutation) -> tuple[Any, Mutation]:
    value = dict(value)
    value.pop(name, None)
    return value, mutation


def _with(pair: tuple[dict[str, Any], tuple[Any, Mutation]], name: str) -> tuple[Any, Mutation]:
    rest, (broken, mutation) = pair
    value = dict(rest)
    value[name] = broken
    return value, mutation


# -- strings -------------------------------------------------------------------------


@functools.cache
def _fullmatch(pattern: str) -> Any:
    """The full-match test the service applies (``\\p{..}`` classes need ``regex``)."""
    if "\\p{" in pattern:
        return regex.compile(pattern).fullmatch
    import re

    return re.compile(pattern, re.ASCII).fullmatch


def satisfies(shape: Shape, value: str) -> bool:
    """Whether a string satisfies the shape's length, pattern and enum."""
    meta = shape.metadata
    if not meta.get("min", 0) <= len(value) <= meta.get("max", 1 << 62):
        return False
    if "enum" in meta and value not in meta["enum"]:
        return False
    return "pattern" not in meta or _fullmatch(meta["pattern"])(value) is not None


@functools.cache
def _alphabet(pattern: str) -> st.SearchStrategy[str] | None:
    """The characters of a ``[class]+`` / ``[class]*`` pattern, or ``None`` for others."""
    match = _CATEGORY_CLASS.fullmatch(pattern)
    if match is not None:
        inside = match.group(1)
        categories = regex.findall(r"\\p\{([A-Za-z]+)\}", inside)
        extra = "|" if "||" in inside else ""
        extra += "".join(
            {"t": "\t", "n": "\n", "r": "\r"}[c] for c in regex.findall(r"\\([tnr])", inside)
        )
        test = _fullmatch(pattern)
        return st.characters(categories=categories, include_characters=extra or None).filter(
            lambda c: test(c) is not None  # the regex package's Unicode tables may differ
        )
    simple = _SIMPLE_CLASS.fullmatch(pattern)
    if simple is not None:
        import re

        return st.from_regex(re.compile(simple.group(1), re.ASCII), fullmatch=True)
    return None


def _by_shape_name(build: Any) -> Any:
    """Cache a per-shape strategy by shape name (botocore makes a new ``Shape`` per lookup)."""
    cache: dict[str, Any] = {}

    @functools.wraps(build)
    def cached(shape: Shape) -> Any:
        if shape.name not in cache:
            cache[shape.name] = build(shape)
        return cache[shape.name]

    return cached


@_by_shape_name
def valid_strings(shape: Shape) -> st.SearchStrategy[str]:
    """Strings that satisfy the shape's enum, pattern and length bounds."""
    meta = shape.metadata
    if "enum" in meta:
        return st.sampled_from(list(meta["enum"]))
    low, high = int(meta.get("min", 0)), int(meta.get("max", 1 << 20))
    pattern = meta.get("pattern")
    if pattern is None:
        alphabet: st.SearchStrategy[str] | None = st.characters(exclude_categories=("Cs",))
    else:
        alphabet = _alphabet(pattern)
    if alphabet is not None:
        if pattern is not None and pattern.endswith("*"):
            low = max(low, 0)
        elif pattern is not None:
            low = max(low, 1)
        drawn = st.text(alphabet, min_size=low, max_size=min(high, low + _TEXT_CAP))
        if high > low + _TEXT_CAP and high <= _BIG:
            # the longest valid value: a short draw repeated up to the maximum
            longest = st.text(alphabet, min_size=1, max_size=4).map(
                lambda s: (s * (high // len(s) + 1))[:high]
            )
            return st.one_of(drawn, longest)
        return drawn
    import re

    test = _fullmatch(pattern)  # type: ignore[arg-type]
    return st.from_regex(re.compile(pattern, re.ASCII), fullmatch=True).filter(  # type: ignore[arg-type]
        lambda s: low <= len(s) <= high and test(s) is not None
    )


@_by_shape_name
def pattern_breakers(shape: Shape) -> st.SearchStrategy[str] | None:
    """Strings of an allowed length that do not match the pattern (``None``: none found)."""
    meta = shape.metadata
    pattern = meta["pattern"]
    test = _fullmatch(pattern)
    low, high = int(meta.get("min", 0)), int(meta.get("max", 1 << 20))
    bad_chars = st.characters(categories=_BAD_CATEGORIES) | st.sampled_from(" /:@#%\t\n")
    probes = [c + "x" * max(low - 1, 0) for c in ("\x00", " ", "\u200b", "/", "A", "-", "#")]
    if not any(low <= len(p) <= high and test(p) is None for p in probes):
        return None

    def spoil(parts: tuple[str, str, int]) -> str:
        good, bad, at = parts
        at = at % (len(good) + 1)
        text = good[:at] + bad + good[at:]
        return text[: max(high, 1)] if len(text) > high else text

    spoiled = st.tuples(valid_strings(shape), bad_chars, st.integers(0, 64)).map(spoil)
    random_text = st.text(min_size=low, max_size=min(high, low + 24))
    return st.one_of(spoiled, random_text).filter(
        lambda s: low <= len(s) <= high and test(s) is None
    )


def broken_scalars(shape: Shape, kind: str) -> st.SearchStrategy[Any]:
    """Values of a scalar shape that break exactly the constraint ``kind``."""
    meta = shape.metadata
    if kind == "type":
        return WRONG_TYPES[shape.type_name]
    if kind == "too-long":
        high = int(meta["max"])
        return st.tuples(valid_strings(shape), st.integers(1, 3)).map(
            lambda t: _pad(t[0], high + t[1])
        )
    if kind == "too-short":
        low = int(meta["min"])
        return valid_strings(shape).map(lambda s: s[: low - 1])
    if kind == "enum":
        allowed = set(meta["enum"])
        low, high = int(meta.get("min", 0)), int(meta.get("max", 64))
        variants = sorted({e.lower() for e in allowed} | {e + " " for e in allowed} - allowed)
        return st.one_of(
            st.sampled_from(variants), st.text(min_size=max(low, 1), max_size=min(high, 20))
        ).filter(lambda s: s not in allowed and low <= len(s) <= high)
    if kind == "pattern":
        breakers = pattern_breakers(shape)
        assert breakers is not None
        return breakers
    if kind == "too-big":
        high = meta["max"]
        return st.one_of(st.just(high + 1), st.integers(high + 1, high + 2**40))
    if kind == "too-small":
        low = meta["min"]
        return st.one_of(st.just(low - 1), st.integers(low - 2**40, low - 1))
    raise ValueError(f"unknown mutation {kind}")


def _pad(text: str, length: int) -> str:
    """``text`` lengthened to ``length`` by repeating it (pattern allowing)."""
    if not text:
        text = "0"
    return (text * (length // len(text) + 1))[:length]


def distinct_strings(shape: Shape, count: int) -> list[str] | None:
    """``count`` different valid strings of ``shape`` (``None`` if none are derived)."""
    base = valid_string(shape)
    high = int(shape.metadata.get("max", 1 << 20))
    values = []
    for index in range(count):
        suffix = str(index)
        value = (base + suffix)[-high:] if len(base) + len(suffix) > high else base + suffix
        values.append(value)
    if len(set(values)) != count or not all(satisfies(shape, v) for v in values):
        return None
    return values
