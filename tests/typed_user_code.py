"""A user's test module, type-checked with ``mypy --strict`` by tests/test_typing.py.

It is never collected or run here: it shows that every form of ``mock_omics``
keeps the decorated object's type, and that the fixtures and helpers are typed.
"""

from __future__ import annotations

import unittest
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any

import boto3
from mypy_boto3_omics import OmicsClient
from typing_extensions import assert_type

from omics_mock import OmicsMock, VirtualClock, definition_zip, mock_omics
from omics_mock.pytest_plugin import omics_client_for

WDL = "version 1.0\nworkflow wgs {\n  input {\n    String sample\n  }\n}\n"


@mock_omics
def test_plain() -> None:
    omics = boto3.client("omics", region_name="us-east-1")
    omics.list_workflows()
    bundle = definition_zip({"main.wdl": WDL})
    # The stubs make create_workflow's requestId required; botocore would fill it in.
    omics.create_workflow(name="wgs", definitionZip=bundle, requestId="wgs-1")


@mock_omics(account_id="111122223333", patch_sleep=True, id_seed=1)
def test_with_options(count: int) -> str:
    return str(count)


@mock_omics
async def test_async() -> int:
    return 1


@mock_omics(id_seed="x")
async def test_async_with_options() -> int:
    return 1


@mock_omics
def numbers() -> Iterator[int]:
    yield 1


@mock_omics
async def async_numbers() -> AsyncIterator[int]:
    yield 1


@mock_omics
class TestRuns:
    def test_one(self) -> None: ...


@mock_omics(account_id="111122223333")
class TestCaseRuns(unittest.TestCase):
    def test_one(self) -> None: ...


def test_context_managers() -> None:
    with mock_omics() as mock:
        assert_type(mock, OmicsMock)
        assert_type(mock.clock, VirtualClock)
        mock.clock.advance(minutes=10)
        mock.runs.set_durations(running=60)
    started = mock_omics(id_seed=3).start()
    assert_type(started, OmicsMock)
    started.stop()


async def test_async_context_manager() -> None:
    async with mock_omics() as mock:
        assert_type(mock, OmicsMock)


def test_with_fixtures(omics_client: OmicsClient, omics_mock: OmicsMock) -> None:
    omics_client.list_workflows()
    omics_mock.faults.inject("GetWorkflow", "ThrottlingException", times=2)


def test_signatures_survive() -> None:
    assert_type(test_with_options(3), str)
    assert_type(test_async(), Coroutine[Any, Any, int]).close()
    assert_type(numbers(), Iterator[int])
    assert_type(async_numbers(), AsyncIterator[int])
    assert_type(TestRuns().test_one(), None)
    assert_type(omics_client_for("eu-west-1"), OmicsClient)
    assert_type(definition_zip({"main.wdl": WDL}), bytes)
