"""The shape of the code: layers, cycles, one home per operation, families in any order."""

from __future__ import annotations

import ast
import json
import random
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from omics_mock.service import FAMILIES
from omics_mock.service.kernel.state import OPERATIONS, Family, ServiceState, operation
from omics_mock.wire.errors import ERRORS_BY_CODE
from omics_mock.wire.model import service_spec

from .helpers import OUT, ROLE, wdl_zip

PACKAGE = Path(__file__).resolve().parent.parent / "omics_mock"
LAYERS = {"wire": 0, "service": 1, "harness": 2}
"""Imports point down: harness -> service -> wire. Top-level modules are the public surface."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """Modules of the package ``name`` imports, anywhere in it (functions and
    ``TYPE_CHECKING`` blocks included), with the line."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "omics_mock":
                    yield _resolve(alias.name, known), node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "omics_mock":
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                yield (candidate if candidate in known else _resolve(target, known)), node.lineno


def _resolve(target: str, known: dict[str, Path]) -> str:
    while target not in known and "." in target:
        target = target.rpartition(".")[0]
    return target


def layer(name: str) -> int:
    parts = name.split(".")
    return LAYERS.get(parts[1], 3) if len(parts) > 1 else 3


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {target for target, _ in imported(name, path, known) if target != name}
        for name, path in known.items()
    }


def test_imports_point_down() -> None:
    known = modules()
    wrong = [
        f"{name}:{line} imports {target}"
        for name, path in known.items()
        for target, line in imported(name, path, known)
        if layer(target) > layer(name)
    ]
    assert wrong == []


def test_no_import_cycles() -> None:
    graph = import_graph()
    cycles = [component for component in _strongly_connected(graph) if len(component) > 1]
    assert cycles == []


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteration-free recursion kept shallow by the graph's size."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_is_over_400_lines() -> None:
    long = {name: len(path.read_text().splitlines()) for name, path in modules().items()}
    assert {name: lines for name, lines in long.items() if lines > 400} == {}


# -- operations ---------------------------------------------------------------------------


def test_every_handler_names_an_operation_of_the_model() -> None:
    assert set(OPERATIONS) - set(service_spec().operations) == set()


def test_every_registered_family_is_used() -> None:
    assert {binding.family for binding in OPERATIONS.values()} <= set(FAMILIES)


def test_a_second_handler_for_an_operation_is_an_error_at_import() -> None:
    before = dict(OPERATIONS)
    with pytest.raises(TypeError, match="GetRun is handled twice"):

        class Impostor(Family):
            key = "impostor"

            @operation("GetRun")
            def get_run(self, req: dict[str, Any]) -> None: ...

    assert before == OPERATIONS


def test_two_handlers_in_one_family_are_an_error() -> None:
    before = dict(OPERATIONS)
    with pytest.raises(TypeError, match="handled twice"):

        class Twice(Family):
            key = "twice"

            @operation("NoSuchOperationA")
            def first(self, req: dict[str, Any]) -> None: ...

            @operation("NoSuchOperationA")
            def second(self, req: dict[str, Any]) -> None: ...

    assert before == OPERATIONS


def test_error_classes_are_the_models_error_shapes() -> None:
    model_errors = {shape.name for shape in service_spec().service_model.error_shapes}
    assert set(ERRORS_BY_CODE) == model_errors


# -- families built in any order ------------------------------------------------------------


class BareClient:
    """A boto3 omics client answered by a ``Door`` over a chosen state."""

    def __init__(self, state: ServiceState) -> None:
        from omics_mock.harness.door import Door
        from omics_mock.harness.interception import _Body

        door = Door(state)
        self.client = boto3.session.Session(
            aws_access_key_id="AKIAORDERTEST0000000",
            aws_secret_access_key="x",
            region_name="us-east-1",
        ).client("omics")

        def answer(request: Any, event_name: str = "", **_: Any) -> Any:
            from botocore.awsrequest import AWSResponse

            operation = event_name.rpartition(".")[2]
            body = request.body if isinstance(request.body, bytes) else None
            reply = door.pipeline.handle_operation(operation, request.url, request.headers, body)
            return AWSResponse(request.url, reply.status, reply.headers, _Body(reply.body))

        self.client.meta.events.register_first("before-send.omics", answer)


def scenario(order: list[type[Family]]) -> str:
    """A run group that admits one run at a time, a cache, a batch, and time passing."""
    state = ServiceState(order)
    omics = BareClient(state).client
    workflow = omics.create_workflow(name="wgs", definitionZip=wdl_zip())["id"]
    state.clock.advance(seconds=1)
    group = omics.create_run_group(name="one", maxRuns=1, requestId="g")["id"]
    cache = omics.create_run_cache(cacheS3Location="s3://cache/", requestId="c")["id"]
    base = {"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT}
    runs = [
        omics.start_run(
            **base, parameters={"sample": f"S{i}"}, runGroupId=group, priority=i, cacheId=cache
        )["id"]
        for i in range(3)
    ]
    batch = omics.start_run_batch(
        defaultRunSetting={**base, "parameters": {"sample": "B"}},
        batchRunSettings={"inlineSettings": [{"runSettingId": str(i)} for i in range(3)]},
    )["id"]
    seen = []
    for _ in range(12):
        state.clock.advance(minutes=5)
        seen.append([omics.get_run(id=r)["status"] for r in runs])
        seen.append(omics.get_batch(batchId=batch)["status"])
    seen.append(omics.get_batch(batchId=batch)["runSummary"])
    seen.append([omics.list_run_tasks(id=r)["items"][0]["taskId"] for r in runs])
    return json.dumps(seen, default=str)


def test_families_can_be_built_in_any_order() -> None:
    expected = scenario(list(FAMILIES))
    for seed in range(4):
        order = list(FAMILIES)
        random.Random(seed).shuffle(order)
        assert scenario(order) == expected, [family.__name__ for family in order]


# -- nothing changes until a mock starts ------------------------------------------------------


BOTOCORE_STATE = textwrap.dedent(
    """
    import botocore.endpoint, botocore.handlers, botocore.retries.bucket, botocore.signers
    import botocore.waiter, requests

    def fingerprint():
        return [
            [repr(entry) for entry in botocore.handlers.BUILTIN_HANDLERS],
            sorted((k, id(v)) for k, v in vars(botocore.endpoint.Endpoint).items()),
            sorted((k, id(v)) for k, v in vars(botocore.signers.RequestSigner).items()),
            id(botocore.waiter.time), id(botocore.endpoint.time),
            id(botocore.retries.bucket.TokenBucket.acquire),
            id(requests.Session.get_adapter),
        ]
    """
)


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", BOTOCORE_STATE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_and_loading_the_plugin_change_nothing_in_botocore() -> None:
    printed = run_python(
        """
        before = fingerprint()
        import omics_mock, omics_mock.pytest_plugin, omics_mock.harness.pytest_plugin
        print(before == fingerprint())
        """
    )
    assert printed == "True"


def test_the_last_stop_leaves_botocore_as_it_was() -> None:
    printed = run_python(
        """
        import boto3
        from omics_mock import mock_omics
        before = fingerprint()
        with mock_omics():
            during = fingerprint()
            boto3.client("omics", region_name="us-east-1").list_workflows()
            with mock_omics():
                pass
        print(before != during, before == fingerprint())
        """
    )
    assert printed == "True True"
