"""Every Python block of README.md and docs/ runs as written (parsed by Sybil).

A page's blocks run in order in one namespace, as a reader goes down the page, in a
fresh temporary working directory. Tests a block defines then run as pytest would
run them: functions (plain or async, with the plugin's ``omics_mock``,
``omics_client`` and ``omics_clock`` fixtures by name), classes' ``test*``
methods, and ``unittest.TestCase`` classes. A page that leaves a mock active
fails. Pages added under docs/ are picked up without registering them.

A block that cannot run (a sketch of code to add to omics-mock) is preceded by
``<!-- skip: next "why" -->``; a skip must say why.
"""

from __future__ import annotations

import asyncio
import inspect
import unittest
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sybil import Example, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

from omics_mock import active_mock, mock_omics
from omics_mock.pytest_plugin import omics_client_for

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SYBIL = Sybil(parsers=[PythonCodeBlockParser(), SkipParser()], path=str(ROOT))
FIXTURES = {"omics_mock", "omics_client", "omics_clock", "omics_server", "omics_server_client"}


def test_every_page_is_found() -> None:
    assert {"README.md", "docs/index.md", "docs/batches.md"} <= {
        str(page.relative_to(ROOT)) for page in PAGES
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_python_block_runs(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    document = SYBIL.parse(page)
    document.push_evaluator(run_block_then_its_tests)
    try:
        for example in document.examples():
            if is_skip(example):
                action, reason = example.parsed
                assert action == "end" or reason, f"line {example.line}: a skip says why"
            try:
                example.evaluate()
            except unittest.SkipTest:
                continue
    finally:
        left_active = active_mock()
        while (mock := active_mock()) is not None:
            mock.stop()
    assert left_active is None, f"{page.name} leaves a mock active"


def is_skip(example: Example) -> bool:
    return isinstance(example.parsed, tuple) and example.parsed[:1] in (
        ("next",),
        ("start",),
        ("end",),
    )


def run_block_then_its_tests(example: Example) -> str | None:
    """Sybil evaluator: the block's own evaluator, then the tests it defined."""
    namespace = example.namespace
    before = {name: id(value) for name, value in namespace.items()}
    evaluator = example.region.evaluator
    assert evaluator is not None
    failure = evaluator(example)
    if failure:
        return str(failure)
    for name, value in list(namespace.items()):
        if before.get(name) != id(value) and name.lower().startswith("test"):
            run_test(name, value)
    return None


def run_test(name: str, value: Any) -> None:
    if inspect.isclass(value):
        run_test_class(value)
    elif callable(value):
        call_test(name, value)


def call_test(name: str, function: Callable[..., Any]) -> None:
    wanted = set(inspect.signature(function).parameters)
    unknown = wanted - FIXTURES - {"self"}
    assert not unknown, f"{name} takes fixtures the docs' runner does not know: {unknown}"
    if not wanted - {"self"}:
        finish(function())
        return
    if wanted & {"omics_server", "omics_server_client"}:
        call_with_server(function, wanted)
        return
    with mock_omics() as mock:
        fixtures = {
            "omics_mock": mock,
            "omics_client": omics_client_for(),
            "omics_clock": mock.clock,
        }
        finish(function(**{k: v for k, v in fixtures.items() if k in wanted}))


def call_with_server(function: Callable[..., Any], wanted: set[str]) -> None:
    """A test of server mode: a server on a free port and a client of it, as the
    ``omics_server`` and ``omics_server_client`` fixtures give."""
    from botocore.config import Config

    from omics_mock.server import ThreadedServer

    with ThreadedServer() as server:
        client = omics_client_for(endpoint_url=server.url, config=Config(inject_host_prefix=False))
        fixtures = {"omics_server": server, "omics_server_client": client}
        finish(function(**{k: v for k, v in fixtures.items() if k in wanted}))


def finish(outcome: Any) -> None:
    if inspect.iscoroutine(outcome):
        asyncio.run(outcome)


def run_test_class(klass: type) -> None:
    if issubclass(klass, unittest.TestCase):
        result = unittest.TestResult()
        unittest.defaultTestLoader.loadTestsFromTestCase(klass).run(result)
        problems = result.errors + result.failures
        assert not problems, "\n".join(text for _, text in problems)
        return
    for name in dir(klass):
        if name.startswith("test") and callable(getattr(klass, name)):
            instance = klass()
            if hasattr(instance, "setup_method"):
                instance.setup_method(getattr(instance, name))
            try:
                call_test(name, getattr(instance, name))
            finally:
                if hasattr(instance, "teardown_method"):
                    instance.teardown_method(getattr(instance, name))
