"""The backend of one account and Region: its families, and the dispatch of a request.

``Backend.call`` is the service side of every request. Under the backend's
lock it first catches up with virtual time (every simulated event due by now),
then applies what the model declares about the operation, the same way for
every operation:

* an idempotency token (``requestId``, ``clientToken``) that was seen before
  with the same payload answers with the resource the first request made;
* the handler runs; what it returns is rendered with the operation's
  ``render`` (a resource), paged (a ``Listing``) or answered as it is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ...wire.errors import not_implemented
from ...wire.traits import page_output
from .events import EventBus
from .family import OPERATIONS, Family, Params, Render
from .idempotency import IdempotencyIndex
from .ids import IdAllocator
from .scheduler import Scheduler
from .store import Listing

if TYPE_CHECKING:
    from ...wire.model import OperationSpec
    from .state import ServiceState

F = TypeVar("F", bound=Family)
Handler = Callable[[Params], Any]


class Backend:
    """All state of one account in one Region (moto calls this a backend)."""

    def __init__(
        self,
        account_id: str,
        region: str,
        state: ServiceState,
        families: Sequence[type[Family]],
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.state = state
        self.clock = state.clock
        self.settings = state.settings
        self.scheduler = Scheduler()
        self.ids = IdAllocator(f"{account_id}/{region}", state.settings.id_seed)
        self.idempotency = IdempotencyIndex()
        self.events = EventBus()
        self.lock = threading.RLock()
        self.taggable: dict[str, Any] = {}
        self._families: dict[type[Family], Family] = {kind: kind(self) for kind in families}
        for family in self._families.values():
            self.events.subscribe_marked(family)
        self._handlers: dict[str, tuple[Handler, Render | None]] = {
            name: (getattr(self._families[binding.family], binding.method), binding.render)
            for name, binding in OPERATIONS.items()
            if binding.family in self._families
        }

    def get(self, kind: type[F]) -> F:
        """This backend's family of that class."""
        family = self._families[kind]
        assert isinstance(family, kind)
        return family

    def families(self) -> list[Family]:
        return list(self._families.values())

    def arn(self, resource: str) -> str:
        """``arn:aws:omics:<region>:<account>:<resource>``."""
        return f"arn:aws:omics:{self.region}:{self.account_id}:{resource}"

    def catch_up(self) -> None:
        """Process every simulated event due by now (call with the lock held)."""
        self.scheduler.run_due(self.clock.now())

    # -- taggable resources ------------------------------------------------------------

    def register_taggable(self, arn: str, resource: Any) -> None:
        """Make a resource (anything with a ``tags`` dict) reachable by its ARN."""
        self.taggable[arn] = resource

    def unregister_taggable(self, arn: str) -> None:
        self.taggable.pop(arn, None)

    # -- requests ----------------------------------------------------------------------

    def call(self, spec: OperationSpec, params: Params) -> Any:
        """Run one validated request against this backend; returns its output."""
        entry = self._handlers.get(spec.name)
        if entry is None:
            raise not_implemented(spec.name)
        handler, render = entry
        token = spec.traits.idempotency_token
        with self.lock:
            self.scheduler.run_due(self.clock.now())
            if token is None or params.get(token) is None:
                return self._output(handler(params), render, spec, params)
            conflict = "ConflictException" in spec.errors
            earlier = self.idempotency.lookup(spec.name, token, params, conflict)
            if earlier is not None:
                return self._output(earlier, render, spec, params)
            result = handler(params)
            self.idempotency.remember(spec.name, token, params, result)
            return self._output(result, render, spec, params)

    @staticmethod
    def _output(result: Any, render: Render | None, spec: OperationSpec, params: Params) -> Any:
        paging = spec.traits.paging
        if isinstance(result, Listing):
            if paging is None:
                raise TypeError(f"{spec.name} returned a Listing but the model does not page it")
            return page_output(result, params, paging)
        if render is not None and result is not None:
            return render(result)
        return result
