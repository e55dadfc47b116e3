"""Model-driven helpers for tests: valid inputs and output-shape checks.

* ``minimal_input(op)`` / ``full_input(op)``: params that satisfy every
  constraint of the operation's input shape (required members only, or every
  member), generated from botocore's omics model.
* ``assert_matches_output_shape(op, response)``: a boto3 response dict conforms
  to the operation's output shape: known members, types, enums, required
  members. ``strict=True`` adds lengths, ranges and patterns, which the real
  service itself does not always honour in outputs (``GetRun.digest`` is
  ``sha256:<64 hex>``, 71 characters, against a model maximum of 64).

Independent of ``omics_mock.protocol`` on purpose: it checks the mock against
the model, not against itself.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterator
from typing import Any

import regex
from botocore.loaders import create_loader
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape
from botocore.response import StreamingBody

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
