"""Activation: decorators, context manager, start/stop, nesting, leaks, credentials, threads."""

from __future__ import annotations

import asyncio
import inspect
import unittest
from collections.abc import Iterator
from typing import Any

import pytest

from omics_mock import OmicsMock, active_mock, mock_omics

from .guards import (  # noqa: F401
    NetworkGuard,
    assert_not_intercepted,
    create_workflow,
    new_client,
    no_network_fixture,
    private_workflows,
)
from .helpers import wdl_zip

# -- function decorator ------------------------------------------------------------


def test_decorated_function_is_answered_in_process(no_network: NetworkGuard) -> None:
    @mock_omics
    def body() -> list[str]:
        client = new_client()
        workflow = create_workflow(client)
        return [workflow, client.get_workflow(id=workflow)["id"]]

    first, fetched = body()
    assert first == fetched
    assert no_network.attempts == []
    assert active_mock() is None


def test_decorator_with_options_applies_them() -> None:
    @mock_omics(account_id="111122223333")
    def body() -> str:
        return str(new_client().create_workflow(definitionZip=wdl_zip())["arn"])

    assert ":111122223333:workflow/" in body()


def test_decorated_function_keeps_its_name_and_kind() -> None:
    async def coroutine() -> None: ...

    def plain() -> None: ...

    assert mock_omics(plain).__name__ == "plain"
    assert inspect.iscoroutinefunction(mock_omics(coroutine))


def test_async_decorator_is_active_across_awaits(no_network: NetworkGuard) -> None:
    @mock_omics
    async def body() -> list[str]:
        client = new_client()
        workflow = create_workflow(client)
        await asyncio.sleep(0)
        return [workflow, *private_workflows(client)]

    created, *listed = asyncio.run(body())
    assert listed == [created]
    assert active_mock() is None


def test_concurrent_decorated_coroutines_share_one_mock() -> None:
    @mock_omics
    async def create() -> str:
        workflow = create_workflow(new_client())
        await asyncio.sleep(0.01)
        return workflow

    async def both() -> list[str]:
        return list(await asyncio.gather(create(), create()))

    assert len(set(asyncio.run(both()))) == 2
    assert active_mock() is None


def test_decorated_generator_stays_active_while_iterated() -> None:
    @mock_omics
    def workflows() -> Iterator[str]:
        client = new_client()
        yield create_workflow(client)
        yield from private_workflows(client)

    created, listed = list(workflows())
    assert created == listed
    assert active_mock() is None


def test_decorated_async_generator_stays_active_while_iterated() -> None:
    @mock_omics
    async def workflows() -> Any:
        yield create_workflow(new_client())
        await asyncio.sleep(0)
        yield private_workflows(new_client())

    async def collect() -> list[Any]:
        return [item async for item in workflows()]

    created, listed = asyncio.run(collect())
    assert listed == [created]
    assert active_mock() is None


def test_recursive_decorated_function_joins_its_own_mock() -> None:
    @mock_omics
    def count(depth: int) -> int:
        create_workflow(new_client())
        return count(depth - 1) if depth else len(private_workflows(new_client()))

    assert count(2) == 3


# -- class decorator -----------------------------------------------------------------


def run_like_pytest(klass: type, name: str) -> Any:
    """Call a test method the way pytest does for a plain class."""
    instance = klass()
    method = getattr(instance, name)
    if hasattr(instance, "setup_method"):
        instance.setup_method(method)
    try:
        return method()
    finally:
        if hasattr(instance, "teardown_method"):
            instance.teardown_method(method)


def test_class_decorator_wraps_each_test_method_in_a_fresh_mock() -> None:
    class Base:
        def test_inherited(self) -> list[str]:
            return private_workflows(new_client())

    @mock_omics
    class TestPlain(Base):
        def test_creates(self) -> list[str]:
            create_workflow(new_client())
            return private_workflows(new_client())

        def helper(self) -> bool:
            return active_mock() is not None

    assert len(run_like_pytest(TestPlain, "test_creates")) == 1
    assert run_like_pytest(TestPlain, "test_creates") != []
    assert run_like_pytest(TestPlain, "test_inherited") == []
    assert TestPlain().helper() is False
    assert active_mock() is None


def test_class_decorator_starts_the_mock_in_setup_method() -> None:
    @mock_omics
    class TestWithSetup:
        def setup_method(self, method: Any) -> None:
            self.client = new_client()
            self.workflow = create_workflow(self.client)

        def test_sees_setup_data(self) -> list[str]:
            return [self.workflow, *private_workflows(self.client)]

    for _ in range(2):  # each test starts clean: one workflow, the one from setup
        workflow, *listed = run_like_pytest(TestWithSetup, "test_sees_setup_data")
        assert listed == [workflow]
    assert active_mock() is None


def test_unittest_case_data_from_setup_survives_and_each_test_starts_clean() -> None:
    seen: list[tuple[str, list[str]]] = []

    @mock_omics
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            self.client = new_client()
            self.workflow = create_workflow(self.client)

        def test_one(self) -> None:
            seen.append((self.workflow, private_workflows(self.client)))

        def test_two(self) -> None:
            seen.append((self.workflow, private_workflows(self.client)))

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert [listed for _, listed in seen] == [[workflow] for workflow, _ in seen]
    assert len(seen) == 2
    assert active_mock() is None


def test_decorated_base_and_subclass_stop_every_mock_they_start() -> None:
    @mock_omics
    class TestBase:
        def setup_method(self, method: Any) -> None:
            self.client = new_client()

    @mock_omics
    class TestChild(TestBase):
        def test_creates(self) -> list[str]:
            create_workflow(self.client)
            return private_workflows(self.client)

    assert len(run_like_pytest(TestChild, "test_creates")) == 1
    assert active_mock() is None


def test_isolated_asyncio_test_case_is_mocked_in_async_setup() -> None:
    @mock_omics
    class Case(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self) -> None:  # noqa: N802 (unittest's name)
            self.workflow = create_workflow(new_client())

        async def test_sees_it(self) -> None:
            assert private_workflows(new_client()) == [self.workflow]

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert active_mock() is None


# -- context manager and start/stop --------------------------------------------------------


def test_context_manager_returns_the_active_mock() -> None:
    with mock_omics() as mock:
        assert isinstance(mock, OmicsMock)
        assert mock.active and active_mock() is mock
        create_workflow(new_client())
        assert [r.operation for r in mock.requests] == ["CreateWorkflow"]
    assert not mock.active


def test_async_context_manager() -> None:
    async def body() -> int:
        async with mock_omics() as mock:
            create_workflow(new_client())
            return len(mock.requests)

    assert asyncio.run(body()) == 1


def test_start_and_stop_by_hand() -> None:
    mock = mock_omics()
    assert mock.start() is mock
    try:
        with pytest.raises(RuntimeError):
            mock.start()
        create_workflow(new_client())
    finally:
        mock.stop()
    mock.stop()  # stopping twice is harmless
    assert active_mock() is None


def test_a_restarted_mock_starts_empty() -> None:
    mock = mock_omics()
    with mock:
        create_workflow(new_client())
    with mock:
        assert private_workflows(new_client()) == []


def test_mock_stops_when_the_body_raises() -> None:
    with pytest.raises(KeyError), mock_omics():
        raise KeyError("boom")
    assert active_mock() is None


# -- nesting -------------------------------------------------------------------------


def test_inner_mock_joins_the_outer_state() -> None:
    with mock_omics() as outer:
        client = new_client()
        first = create_workflow(client)
        with mock_omics() as inner:
            assert inner.clock is outer.clock
            assert private_workflows(client) == [first]
            second = create_workflow(client)
        assert private_workflows(client) == sorted([first, second])
    with mock_omics():
        assert private_workflows(new_client()) == []


def test_decorated_helper_called_inside_a_mock_sees_its_resources() -> None:
    @mock_omics
    def count() -> int:
        return len(private_workflows(new_client()))

    with mock_omics():
        create_workflow(new_client())
        assert count() == 1
        assert count() == 1  # the helper's stop kept the outer state


def test_out_of_order_stop_keeps_interception_until_the_last_stop(no_network: NetworkGuard) -> None:
    first, second = mock_omics(), mock_omics()
    first.start()
    second.start()
    workflow = create_workflow(new_client())
    first.stop()
    assert private_workflows(new_client()) == [workflow]
    assert no_network.attempts == []
    second.stop()
    assert_not_intercepted(no_network)
