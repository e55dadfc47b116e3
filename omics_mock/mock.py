"""``mock_omics``: activate the mock as a decorator, context manager or by hand.

While a mock is active, every botocore request to omics is answered in
process, plain ``requests`` calls to omics hosts too, environment credentials
are replaced by fake ones, and botocore's waiter and retry sleeps move virtual
time instead of waiting.

Nesting: the outermost activation owns the state; a mock started while
another is active joins it (same backends, same clock), so decorated helpers
called from a decorated test see the test's resources. State is discarded when
the outermost mock stops; the next start begins empty.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import sys
import threading
import time as _time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .backend.environment import Environment
from .control import Control
from .interception import ARTIFACT_URL, INTERCEPTOR, OMICS_URL

if TYPE_CHECKING:
    import responses

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "AKIAOMICSMOCK0000000",
    "AWS_SECRET_ACCESS_KEY": "omics-mock-secret-access-key",
}
CLEARED_ENVIRONMENT = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
DEFAULT_REGION_VARIABLE = "AWS_DEFAULT_REGION"

_activation_lock = threading.RLock()
_active: list[OmicsMock] = []


class OmicsMock(Control):
    """One mock of HealthOmics. Use as decorator, context manager or start/stop.

    Args:
        patch_sleep: while active, ``time.sleep`` called from the thread that
            started the mock advances virtual time instead of sleeping (other
            threads still sleep for real).
        account_id: the default account for requests whose access key does not
            name one (see ``docs/accounts.md``).
    """

    def __init__(self, *, patch_sleep: bool = False, account_id: str | None = None) -> None:
        self.patch_sleep = patch_sleep
        self._account_id = account_id
        super().__init__(self._fresh_environment())
        self._owner = False
        self._saved_environ: dict[str, str | None] = {}
        self._requests_mock: responses.RequestsMock | None = None
        self._saved_sleep: Callable[[float], None] | None = None
        self._thread_id: int | None = None

    def _fresh_environment(self) -> Environment:
        environment = Environment()
        if self._account_id is not None:
            environment.settings.default_account_id = self._account_id
        return environment

    # -- activation ------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self in _active

    def start(self) -> OmicsMock:
        """Activate the mock; returns itself."""
        with _activation_lock:
            if self in _active:
                raise RuntimeError("this omics mock is already active")
            if _active:
                self.environment = _active[0].environment
                self._owner = False
            else:
                self._owner = True
                self._replace_environ()
                self._start_requests_mock()
            INTERCEPTOR.activate(self.environment)
            if self.patch_sleep:
                self._start_sleep_patch()
            _active.append(self)
        return self

    def stop(self) -> None:
        """Deactivate the mock; the outermost stop discards all state."""
        with _activation_lock:
            if self not in _active:
                return
            _active.remove(self)
            if self.patch_sleep:
                self._stop_sleep_patch()
            if self._owner:
                INTERCEPTOR.deactivate(self.environment)
                self._stop_requests_mock()
                self._restore_environ()
                self._owner = False
            self.environment = self._fresh_environment()

    def __enter__(self) -> OmicsMock:
        return self.start()

    def __exit__(
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
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self._instance():
                    return await function(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self._instance():
                return function(*args, **kwargs)

        return run  # type: ignore[return-value]

    def _decorate_class(self, klass: C) -> C:
        unittest = sys.modules.get("unittest")  # a TestCase implies unittest is imported
        if unittest is not None and issubclass(klass, unittest.TestCase):
            return self._decorate_test_case(klass)
        for name, value in list(vars(klass).items()):
            if name.startswith("test") and callable(value) and not inspect.isclass(value):
                setattr(klass, name, self._decorate_function(value))
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

    def _instance(self) -> OmicsMock:
        """This mock, or a copy with the same options when this one is already active
        (a decorated function calling itself, or running in two threads at once)."""
        if not self.active:
            return self
        return OmicsMock(patch_sleep=self.patch_sleep, account_id=self._account_id)

    # -- environment credentials -----------------------------------------------------

    def _replace_environ(self) -> None:
        saved: dict[str, str | None] = {}
        for name, value in FAKE_ENVIRONMENT.items():
            saved[name] = os.environ.get(name)
            os.environ[name] = value
        for name in CLEARED_ENVIRONMENT:
            saved[name] = os.environ.pop(name, None)
        if not os.environ.get(DEFAULT_REGION_VARIABLE) and not os.environ.get("AWS_REGION"):
            saved[DEFAULT_REGION_VARIABLE] = os.environ.get(DEFAULT_REGION_VARIABLE)
            os.environ[DEFAULT_REGION_VARIABLE] = "us-east-1"
        self._saved_environ = saved

    def _restore_environ(self) -> None:
        for name, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environ = {}

    # -- plain HTTP via responses ----------------------------------------------------

    def _start_requests_mock(self) -> None:
        import requests.adapters  # imported on first use: keeps `import omics_mock` light
        import responses

        current_send = requests.adapters.HTTPAdapter.send
        mock = responses.RequestsMock(
            assert_all_requests_are_fired=False, real_adapter_send=current_send
        )
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"):
            for pattern in (OMICS_URL, ARTIFACT_URL):
                mock.add_callback(method, pattern, callback=_answer_requests_call)
        mock.add_passthru(re.compile(r".*"))
        mock.start()
        self._requests_mock = mock

    def _stop_requests_mock(self) -> None:
        if self._requests_mock is not None:
            self._requests_mock.stop(allow_assert=False)
            self._requests_mock = None

    # -- time.sleep opt-in -----------------------------------------------------------

    def _start_sleep_patch(self) -> None:
        self._thread_id = threading.get_ident()
        self._saved_sleep = _time.sleep
        real_sleep = self._saved_sleep
        clock = self.environment.clock
        owner_thread = self._thread_id

        def sleep(seconds: float) -> None:
            if threading.get_ident() == owner_thread:
                clock.sleep(seconds)
            else:
                real_sleep(seconds)

        _time.sleep = sleep

    def _stop_sleep_patch(self) -> None:
        if self._saved_sleep is not None:
            _time.sleep = self._saved_sleep
            self._saved_sleep = None


def _answer_requests_call(request: Any) -> tuple[int, dict[str, str], bytes]:
    body = request.body
    if isinstance(body, str):
        body = body.encode("utf-8")
    return INTERCEPTOR.answer_http(request.method, request.url, request.headers, body)


@overload
def mock_omics(target: F) -> F: ...


@overload
def mock_omics(target: None = None, *, patch_sleep: bool = False, account_id: str | None = None) -> OmicsMock: ...


def mock_omics(
    target: Any = None, *, patch_sleep: bool = False, account_id: str | None = None
) -> Any:
    """Mock HealthOmics: ``@mock_omics``, ``@mock_omics(...)`` or ``with mock_omics() as m``."""
    mock = OmicsMock(patch_sleep=patch_sleep, account_id=account_id)
    if target is None:
        return mock
    return mock(target)


def active_mock() -> OmicsMock | None:
    """The innermost active mock, if any."""
    return _active[-1] if _active else None
