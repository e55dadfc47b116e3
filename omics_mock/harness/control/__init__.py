"""The control API: what tests can do that the AWS API cannot.

Reached from the mock object (``with mock_omics() as m``), or from the
``omics_mock`` fixture of the pytest plugin:

* ``m.clock``: virtual time (``advance``, ``now``);
* ``m.settings``: phase durations and quotas (``m.settings.quotas.max_workflows = 5``);
* ``m.faults``: answer an operation with an error N times;
* ``m.requests`` / ``m.calls(name)``: the log of requests answered;
* ``m.accounts``: map access keys to accounts;
* ``m.s3``: objects that S3 URIs in requests can point at, without moto;
* ``m.ready2run``: the READY2RUN catalogue;
* ``m.runs``: force run outcomes, script them per workflow, set durations,
  switch to per-poll progress;
* ``m.storage``: fail uploads, import sources and jobs, archive read sets, read
  stored bytes and exported objects;
* ``m.artifacts``: what runs wrote to S3, CloudWatch Logs and EventBridge (read
  without moto), and scripting what they write;
* ``m.analytics``: make accounts new customers, fail variant and annotation
  stores, versions, import items and jobs, finish imports now;
* ``m.inspect(account, region)``: a read-only view of one backend (unstable);
* ``m.overview()``: the state as plain data, as the dashboard shows it; in a
  notebook, ``m`` itself displays as a table of runs (``_repr_html_``).
* ``m.snapshot()``, ``m.restore(snapshot)``, ``m.save(path)``: the whole state as
  plain data, and back (``docs/snapshots.md``).
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...service.kernel import checks
from ..display import MAX_PAGE, PAGE

if TYPE_CHECKING:
    from ...service.kernel.clock import VirtualClock
    from ...service.kernel.settings import Settings
    from ...service.kernel.state import Backend, ServiceState
    from ..door import Door
    from ..request_log import RequestLog, RequestRecord
    from ..snapshots import Source
    from .analytics import AnalyticsControl
    from .artifacts import ArtifactsControl
    from .resources import AccountsControl, Faults, Ready2RunControl, S3Objects
    from .runs import RunsControl
    from .storage import StorageControl


class Inspection:
    """A read-only view of one account and Region, for tests that need to look inside.

    Unstable: the names below follow the mock's internals and may change.
    ``families`` maps each family's key (``"runs"``) to the family object.
    """

    def __init__(self, backend: Backend) -> None:
        self.account_id = backend.account_id
        self.region = backend.region
        self.scheduler = backend.scheduler
        self.families = {family.key: family for family in backend.families()}

    def __getattr__(self, name: str) -> Any:
        try:
            return self.families[name]
        except KeyError:
            raise AttributeError(name) from None


class Control:
    """Everything a test can reach on a mock besides the AWS API.

    Each part (``faults``, ``runs``, ``storage``...) is made, and its module loaded, when
    first reached: a test that never steers storage never loads what steers it.
    """

    def __init__(self, door: Door) -> None:
        self._held: Door | None = door

    @property
    def _door(self) -> Door:
        """The door this control reaches; after ``_attach(None)``, made when first needed."""
        door = self._held
        if door is None:
            door = self._held = self._empty_door()
        return door

    def _empty_door(self) -> Door:
        """A door with nothing in it, for a control reached while it holds none."""
        raise RuntimeError("this control API has no state to reach")

    def _current_door(self) -> Door:
        """The door control calls reach (every control call goes through here)."""
        return self._door

    def _current_state(self) -> ServiceState:
        return self._current_door().state

    # -- the parts ---------------------------------------------------------------------------

    @functools.cached_property
    def faults(self) -> Faults:
        from .resources import Faults

        return Faults(self._current_door)

    @functools.cached_property
    def accounts(self) -> AccountsControl:
        from .resources import AccountsControl

        return AccountsControl(self._current_door)

    @functools.cached_property
    def s3(self) -> S3Objects:
        from .resources import S3Objects

        return S3Objects(self._current_door)

    @functools.cached_property
    def ready2run(self) -> Ready2RunControl:
        from .resources import Ready2RunControl

        return Ready2RunControl(self._current_door)

    @functools.cached_property
    def runs(self) -> RunsControl:
        from .runs import RunsControl

        return RunsControl(self._current_state)

    @functools.cached_property
    def storage(self) -> StorageControl:
        from .storage import StorageControl

        return StorageControl(self._current_state)

    @functools.cached_property
    def artifacts(self) -> ArtifactsControl:
        from .artifacts import ArtifactsControl

        return ArtifactsControl(self._current_state)

    @functools.cached_property
    def analytics(self) -> AnalyticsControl:
        from .analytics import AnalyticsControl

        return AnalyticsControl(self._current_state)

    def _attach(self, door: Door | None) -> None:
        """Use another door from now on (a mock joining a group), or none until one is
        needed (a mock stopping: ``_empty_door``)."""
        self._held = door

    @property
    def clock(self) -> VirtualClock:
        return self._current_door().state.clock

    @property
    def settings(self) -> Settings:
        return self._current_door().state.settings

    @property
    def requests(self) -> RequestLog:
        """The latest requests answered (``settings.request_log_size`` of them), oldest first."""
        return self._current_door().log

    def calls(self, operation: str) -> list[RequestRecord]:
        """The logged requests of one operation."""
        return [r for r in self._current_door().log.snapshot() if r.operation == operation]

    def inspect(self, account_id: str | None = None, region: str = "us-east-1") -> Inspection:
        """A read-only view of one account and Region (made if new), caught up to now."""
        if account_id is not None:
            checks.account_id("account_id", account_id)
        backend = self._current_door().state.backend(account_id, checks.text("region", region))
        with backend.lock:
            backend.catch_up()
        return Inspection(backend)

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain, JSON-serialisable data (``docs/snapshots.md``): every
        account and Region, the virtual time, events still to come, IDs, settings. What
        cannot be written is left out and listed under ``omitted``."""
        from .. import snapshots

        return snapshots.take(self._door)

    def restore(self, snapshot: Source) -> None:
        """Replace the whole state with a snapshot (its data, or a JSON file's path); virtual
        time resumes at the snapshot's. A snapshot that cannot be restored raises
        ``SnapshotError`` naming what is wrong, and changes nothing."""
        from .. import snapshots

        snapshots.restore(self._door, snapshot)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the snapshot to a JSON file, atomically (a crash leaves the previous file
        whole); returns its path."""
        from .. import snapshots

        return snapshots.save(self._door, path)

    def simulation_failures(self) -> list[tuple[_dt.datetime, Exception]]:
        """Simulated events that raised: bugs in omics-mock (the pytest fixture fails on them)."""
        return self._door.state.simulation_failures()

    def describe(self) -> dict[str, Any]:
        """A small summary of the state, for debugging."""
        state = self._door.state
        return {
            "accounts": sorted({b.account_id for b in state.backends()}),
            "requests": len(self._door.log),
            "requests_answered": self._door.log.total,
            "offset_seconds": self.clock.offset.total_seconds(),
        }

    def overview(
        self,
        *,
        status: str | None = None,
        offset: int = 0,
        limit: int = PAGE,
        account_id: str | None = None,
        region: str | None = None,
    ) -> dict[str, Any]:
        """The state as plain data, as the dashboard shows it (read-only): the clock,
        and per account and Region a page of runs (newest first, of one ``status`` if
        given) with their phases and tasks, workflows, run groups, batches, caches,
        storage and analytics stores. See ``docs/dashboard.md``."""
        from ..display.runs import RUN_STATUSES
        from ..display.views import state_view

        if status is not None:
            checks.one_of(*RUN_STATUSES)("status", checks.text("status", status))
        checks.at_least(0)("offset", checks.whole("offset", offset))
        checks.at_least(1)("limit", checks.whole("limit", limit))
        if limit > MAX_PAGE:
            raise ValueError(f"limit must be at most {MAX_PAGE}, not {limit}")
        if account_id is not None:
            checks.account_id("account_id", account_id)
        checks.optional_text("region", region)
        return state_view(
            self._door.state,
            status=status,
            offset=offset,
            limit=limit,
            account_id=account_id,
            region=region,
        )

    def _repr_html_(self) -> str:
        """Notebooks: the runs of every account and Region, statuses coloured (read-only)."""
        from ..display.table import ROWS, state_html
        from ..display.views import state_view

        return state_html(state_view(self._door.state, limit=ROWS))

    # -- deprecated ------------------------------------------------------------------------

    def backend(self, account_id: str | None = None, region: str = "us-east-1") -> Inspection:
        """Deprecated: use ``inspect()``."""
        warnings.warn(
            "m.backend() is deprecated and will be removed in the next release; "
            "use m.inspect() (a read-only view)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.inspect(account_id, region)

    @property
    def environment(self) -> Door:
        """Deprecated: the mock's internals; use the control API or ``inspect()``."""
        warnings.warn(
            "m.environment is deprecated and will be removed in the next release; "
            "use the control API or m.inspect()",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._door
