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
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .control import Control
from .environ import EnvironPatch
from .interception import INTERCEPTOR
from .method_wrapping import test_method_names, with_arity_of
from .sleeping import SleepPatch

if TYPE_CHECKING:
    from .door import Door
    from .snapshots import Source

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
        id_seed: changes the IDs handed out (``None``: every fresh mock hands out
            the same IDs in the same account and Region).

    Before ``start()`` the control API configures the state the mock starts
    with (settings, clock, faults, S3 objects, scripted outcomes...). A mock
    that joins an active group uses the group's state instead: if it was
    configured before, it warns that its configuration is ignored.
    """

    def __init__(
        self,
        *,
        patch_sleep: bool = False,
        account_id: str | None = None,
        id_seed: str | int | None = None,
        state: Source | None = None,
    ) -> None:
        self.patch_sleep = patch_sleep
        self._account_id = account_id
        self._id_seed = id_seed
        self._configured = False
        self._snapshot = None
        if state is not None:
            from . import snapshots  # loaded by the first mock that starts from a snapshot

            self._snapshot = snapshots.load(state)
        self._restored = True
        """Whether the door holds the snapshot's state (a stopped mock's door is emptied,
        and filled again when it next starts)."""
        super().__init__(self._fresh_door())
        self._sleep_thread: int | None = None

    def _fresh_door(self, restored: bool = True) -> Door:
        from ..service import new_state  # the service's kernel: loaded by the first mock made
        from .door import Door

        door = Door(new_state())
        if self._snapshot is not None and restored:
            from . import snapshots

            snapshots.restore(door, self._snapshot)
        self._restored = restored
        if self._account_id is not None:
            door.state.settings.default_account_id = self._account_id
        if self._id_seed is not None or self._snapshot is None:
            door.state.settings.id_seed = self._id_seed  # else the snapshot's seed stands
        return door

    def _empty_door(self) -> Door:
        with _activation_lock:  # one empty door, whichever thread reaches for it first
            door = self._held
            return door if door is not None else self._fresh_door(restored=False)

    def _current_door(self) -> Door:
        if not self.active:
            self._configured = True  # a control call before start: it configures the start
        return self._door

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
                if self._configured:
                    warnings.warn(
                        "this omics mock was configured before start() but joins the "
                        "active mock's state, so its configuration is ignored: configure "
                        "the active mock (omics_mock.active_mock()) instead",
                        RuntimeWarning,
                        stacklevel=2,
                    )
                self._attach(_group.door)
            self._configured = False
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
                try:
                    _group.door.before_stop()
                finally:
                    _group.close()
                    _group = None
            self._attach(None)  # emptied: a fresh door is made when next needed
            self._restored = False
            self._configured = False

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

    def __call__(self, target: F) -> F:
        """Decorate a test function, coroutine, generator or class (see ``mock_omics``)."""
        if inspect.isclass(target):
            decorated: Any = self._decorate_class(target)
            return decorated  # type: ignore[no-any-return]
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
        for name in test_method_names(klass):
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

        klass.setup_method = with_arity_of(original_setup, setup_method)  # type: ignore[attr-defined]
        klass.teardown_method = with_arity_of(original_teardown, teardown_method)  # type: ignore[attr-defined]

    def _instance(self) -> OmicsMock:
        """This mock, or a copy with the same options when this one is already active
        (a decorated function calling itself, or running in two threads at once)."""
        if not self.active:
            return self
        return OmicsMock(
            patch_sleep=self.patch_sleep,
            account_id=self._account_id,
            id_seed=self._id_seed,
            state=self._snapshot,
        )


def _stop_setup_mock(test: Any) -> None:
    """Stop the mock the matching ``setup_method`` started (a stack: base and
    subclass may both be decorated)."""
    started = test.__dict__.get(_SETUP_MOCKS)
    if started:
        started.pop().stop()


@overload
def mock_omics(target: F, /) -> F: ...


@overload
def mock_omics(
    *,
    patch_sleep: bool = False,
    account_id: str | None = None,
    id_seed: str | int | None = None,
    state: Source | None = None,
) -> OmicsMock: ...


def mock_omics(
    target: F | None = None,
    /,
    *,
    patch_sleep: bool = False,
    account_id: str | None = None,
    id_seed: str | int | None = None,
    state: Source | None = None,
) -> F | OmicsMock:
    """Mock HealthOmics for a test, a block of code, or until stopped.

    The forms, all typed:

    * ``@mock_omics`` on a function, coroutine function, generator or class
      returns it decorated, with its own type;
    * ``@mock_omics(patch_sleep=True, account_id="111122223333", id_seed=7)``:
      the same, with options;
    * ``with mock_omics() as m:`` / ``async with`` / ``m = mock_omics(); m.start()``:
      ``mock_omics(...)`` without a target returns the ``OmicsMock``.

    Args:
        target: what to decorate; leave it out for a mock object.
        patch_sleep: ``time.sleep`` advances virtual time in the starting thread.
        account_id: the default account (``123456789012`` otherwise).
        id_seed: another sequence of IDs (read when each account and Region is
            first used, so set here it applies to every ID the mock hands out).
        state: a snapshot to start from: its data, or the path of a JSON file
            (see ``docs/snapshots.md``).
    """
    mock = OmicsMock(patch_sleep=patch_sleep, account_id=account_id, id_seed=id_seed, state=state)
    if target is None:
        return mock
    return mock(target)


def active_mock() -> OmicsMock | None:
    """The innermost active mock, if any."""
    return _active[-1] if _active else None
