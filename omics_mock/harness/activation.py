"""``mock_omics``: activate the mock as a decorator, context manager or by hand.

While a mock is active, every botocore request to omics is answered in
process, plain ``requests`` calls to omics hosts too, environment credentials
are replaced by fake ones, and botocore's waiter and retry sleeps move virtual
time instead of waiting.

Nesting: mocks active at the same time form one group with one state. The
first to start creates the state; a mock started while another is active joins
it (same backends, same clock), so decorated helpers called from a decorated
test see the test's resources. The group ends, and its state is discarded,
when its last mock stops, in whatever order the mocks stop (threads and
concurrent coroutines need not stop in reverse order); the next start begins
empty. See ``docs/activation.md``.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import Any, TypeVar, overload

from ..service import new_state
from . import snapshots
from .control import Control
from .door import Door
from .environ import EnvironPatch
from .interception import INTERCEPTOR
from .sleep_patch import SleepPatch

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

_SETUP_MOCKS = "_omics_mocks_of_setup_method"

_activation_lock = threading.RLock()
_active: list[OmicsMock] = []


class _Group:
    """What the first mock of a group sets up and its last mock tears down."""

    def __init__(self, door: Door) -> None:
        INTERCEPTOR.activate(door)  # first: if this fails, nothing has changed
        self.door = door
        self.environ_patch = EnvironPatch()
        self.sleep_patch = SleepPatch(door.state.clock)

    def close(self) -> None:
        INTERCEPTOR.deactivate()
        self.sleep_patch.remove()
        self.environ_patch.remove()


_group: _Group | None = None


class OmicsMock(Control):
    """One mock of HealthOmics. Use as decorator, context manager or start/stop.

    Args:
        patch_sleep: while active, ``time.sleep`` called from the thread that
            started the mock advances virtual time instead of sleeping (other
            threads still sleep for real).
        account_id: the default account for requests whose access key does not
            name one (see ``docs/accounts.md``).
        state: a snapshot to start from (its data, or the path of a JSON file): each
            start of this mock begins from it (see ``docs/snapshots.md``).
    """

    def __init__(
        self,
        *,
        patch_sleep: bool = False,
        account_id: str | None = None,
        state: snapshots.Source | None = None,
    ) -> None:
        self.patch_sleep = patch_sleep
        self._account_id = account_id
        self._snapshot = None if state is None else snapshots.load(state)
        self._restored = True
        """Whether the door holds the snapshot's state (a stopped mock's door is emptied,
        and filled again when it next starts)."""
        super().__init__(self._fresh_door())
        self._sleep_thread: int | None = None

    def _fresh_door(self, restored: bool = True) -> Door:
        door = Door(new_state())
        if self._snapshot is not None and restored:
            snapshots.restore(door, self._snapshot)
        self._restored = restored
        if self._account_id is not None:
            door.state.settings.default_account_id = self._account_id
        return door

    # -- activation ------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self in _active

    def start(self) -> OmicsMock:
        """Activate the mock (or join the active group); returns itself."""
        global _group
        with _activation_lock:
            if self in _active:
                raise RuntimeError("this omics mock is already active")
            if _group is None:
                if not self._restored:
                    self._attach(self._fresh_door())
                _group = _Group(self._door)
            elif self._snapshot is not None:
                raise RuntimeError(
                    "a mock that starts from a snapshot (state=...) cannot join the mock "
                    "already active; stop that one first, or restore into it (m.restore)"
                )
            else:
                self._attach(_group.door)
            if self.patch_sleep:
                self._sleep_thread = threading.get_ident()
                _group.sleep_patch.add(self._sleep_thread)
            _active.append(self)
        return self

    def stop(self) -> None:
        """Deactivate the mock; the group's last stop discards all state."""
        global _group
        with _activation_lock:
            if self not in _active or _group is None:
                return
            _active.remove(self)
            if self._sleep_thread is not None:
                _group.sleep_patch.discard(self._sleep_thread)
                self._sleep_thread = None
            if not _active:
                _group.close()
                _group = None
            self._attach(self._fresh_door(restored=False))

    def __enter__(self) -> OmicsMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> OmicsMock:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- decoration ------------------------------------------------------------------

    @overload
    def __call__(self, target: C) -> C: ...

    @overload
    def __call__(self, target: F) -> F: ...

    def __call__(self, target: Any) -> Any:
        if inspect.isclass(target):
            return self._decorate_class(target)
        return self._decorate_function(target)

    def _decorate_function(self, function: F) -> F:
        """Run ``function`` (plain, coroutine, generator or async generator) under a mock."""
        if inspect.isasyncgenfunction(function):
            wrapper: Callable[..., Any] = self._wrap_async_generator(function)
        elif inspect.iscoroutinefunction(function):
            wrapper = self._wrap_coroutine(function)
        elif inspect.isgeneratorfunction(function):
            wrapper = self._wrap_generator(function)
        else:
            wrapper = self._wrap_plain(function)
        return functools.wraps(function)(wrapper)  # type: ignore[return-value]

    def _wrap_plain(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            with self._instance():
                return function(*args, **kwargs)

        return run

    def _wrap_coroutine(self, function: Callable[..., Any]) -> Callable[..., Any]:
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with self._instance():
                return await function(*args, **kwargs)

        return run_async

    def _wrap_generator(self, function: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
        def run_generator(*args: Any, **kwargs: Any) -> Any:
            with self._instance():
                return (yield from function(*args, **kwargs))

        return run_generator

    def _wrap_async_generator(
        self, function: Callable[..., AsyncIterator[Any]]
    ) -> Callable[..., Any]:
        async def run_async_generator(*args: Any, **kwargs: Any) -> Any:
            with self._instance():
                async for item in function(*args, **kwargs):
                    yield item

        return run_async_generator

    def _decorate_class(self, klass: C) -> C:
        unittest = sys.modules.get("unittest")  # a TestCase implies unittest is imported
        if unittest is not None and issubclass(klass, unittest.TestCase):
            return self._decorate_test_case(klass)
        for name in _test_method_names(klass):
            setattr(klass, name, self._decorate_function(getattr(klass, name)))
        if callable(getattr(klass, "setup_method", None)):
            self._decorate_setup_method(klass)
        return klass

    def _decorate_test_case(self, klass: C) -> C:
        """Each test runs in a fresh mock that is already active in ``setUp``."""
        original_setup = klass.setUp  # type: ignore[attr-defined]
        mock = self

        @functools.wraps(original_setup)
        def setUp(test: Any) -> None:  # noqa: N802 (unittest's name)
            active = mock._instance()
            active.start()
            test.addCleanup(active.stop)
            original_setup(test)

        klass.setUp = setUp  # type: ignore[attr-defined]
        return klass

    def _decorate_setup_method(self, klass: type) -> None:
        """pytest's ``setup_method`` starts the test's mock, ``teardown_method``
        stops it; the test method joins it, so data from setup is visible.

        The replacements take ``method`` exactly when the originals do: pytest
        looks at the argument count to decide whether to pass it.
        """
        original_setup = klass.setup_method  # type: ignore[attr-defined]
        original_teardown = getattr(klass, "teardown_method", None)
        mock = self

        def setup_method(test: Any, *method: Any) -> None:
            test.__dict__.setdefault(_SETUP_MOCKS, []).append(mock._instance().start())
            try:
                original_setup(test, *method)
            except BaseException:
                _stop_setup_mock(test)
                raise

        def teardown_method(test: Any, *method: Any) -> None:
            try:
                if original_teardown is not None:
                    original_teardown(test, *method)
            finally:
                _stop_setup_mock(test)

        klass.setup_method = _with_arity_of(original_setup, setup_method)  # type: ignore[attr-defined]
        klass.teardown_method = _with_arity_of(original_teardown, teardown_method)  # type: ignore[attr-defined]

    def _instance(self) -> OmicsMock:
        """This mock, or a copy with the same options when this one is already active
        (a decorated function calling itself, or running in two threads at once)."""
        if not self.active:
            return self
        return OmicsMock(
            patch_sleep=self.patch_sleep, account_id=self._account_id, state=self._snapshot
        )


def _test_method_names(klass: type) -> list[str]:
    """Names of plain functions called ``test*`` on the class or its bases."""
    names = []
    for name in dir(klass):
        if name.startswith("test") and inspect.isfunction(inspect.getattr_static(klass, name)):
            names.append(name)
    return names


def _takes_method(function: Callable[..., Any]) -> bool:
    """Whether pytest passes ``method`` to this ``setup_method``/``teardown_method``
    (it counts positional parameters: ``self`` and ``method``)."""
    code = getattr(function, "__code__", None)
    if code is not None:
        return bool(code.co_argcount > 1)
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(p.kind in positional for p in parameters) > 1


def _with_arity_of(
    original: Callable[..., Any] | None, body: Callable[..., None]
) -> Callable[..., None]:
    """``body`` as a method taking ``method`` exactly when ``original`` does (or
    optionally, when there is no original), with ``original``'s name and signature."""
    if original is None:

        def optional_method(test: Any, method: Any = None) -> None:
            body(test, *(() if method is None else (method,)))

        optional_method.__name__ = optional_method.__qualname__ = body.__name__
        return optional_method
    if _takes_method(original):

        def with_method(test: Any, method: Any) -> None:
            body(test, method)

        wrapper: Callable[..., None] = with_method
    else:

        def without_method(test: Any) -> None:
            body(test)

        wrapper = without_method
    return functools.wraps(original)(wrapper)


def _stop_setup_mock(test: Any) -> None:
    """Stop the mock the matching ``setup_method`` started (a stack: base and
    subclass may both be decorated)."""
    started = test.__dict__.get(_SETUP_MOCKS)
    if started:
        started.pop().stop()


@overload
def mock_omics(target: F) -> F: ...


@overload
def mock_omics(
    target: None = None,
    *,
    patch_sleep: bool = False,
    account_id: str | None = None,
    state: snapshots.Source | None = None,
) -> OmicsMock: ...


def mock_omics(
    target: Any = None,
    *,
    patch_sleep: bool = False,
    account_id: str | None = None,
    state: snapshots.Source | None = None,
) -> Any:
    """Mock HealthOmics: ``@mock_omics``, ``@mock_omics(...)`` or ``with mock_omics() as m``;
    ``state=`` starts from a snapshot (its data, or a JSON file's path)."""
    mock = OmicsMock(patch_sleep=patch_sleep, account_id=account_id, state=state)
    if target is None:
        return mock
    return mock(target)


def active_mock() -> OmicsMock | None:
    """The innermost active mock, if any."""
    return _active[-1] if _active else None
