"""What variant stores and annotation stores do alike: names, Create checks, lists,
Update and Delete by the state x operation matrix (spec §5.6), shares and removal.

``StoreFamily`` is the base of both families and handles no operation itself.
A store is found by name (unknown or deleted: ResourceNotFoundException); names
are unique per kind in an account and Region, and free again once a store is gone.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from ...wire.errors import (
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params
from ..kernel.store import Listing, Store
from ..shares.events import ShareableResource, SharedResource, SharedResourceRemoved
from ..storage.events import ReferenceProblem
from ..storage.names import parse_child_arn
from ..tags.rules import checked_tags
from .access import check_open
from .events import CancelImports, RunningImports
from .model import CREATING, DEFAULT_SSE, DELETING, TAKES_DATA, UPDATING, AnalyticsStore
from .names import ARN_KIND, NOUN, SHARE_TYPE, check_label, parse_store_arn, store_not_found

S = TypeVar("S", bound=AnalyticsStore)


class StoreFamily(Family, Generic[S]):
    """Stores of one kind (``variant`` or ``annotation``) of one account and Region."""

    kind: ClassVar[str]

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.stores: Store[S] = Store(f"{ARN_KIND[self.kind]}s")
        self.by_name: dict[str, S] = {}

    @property
    def noun(self) -> str:
        return NOUN[self.kind]

    def named(self, name: str) -> S:
        """The store called ``name`` (ResourceNotFoundException if none)."""
        store = self.by_name.get(check_label(name, "name"))
        if store is None:
            raise store_not_found(self.kind, name)
        return store

    # -- Create --------------------------------------------------------------------------

    def new_store_fields(
        self,
        req: Params,
        quota: int,
        reference_required: bool,
        check: Callable[[], None] = lambda: None,
    ) -> dict[str, Any]:
        """Checks every Create*Store shares (then ``check``); the new store's fields."""
        backend = self.backend
        check_open(backend, f"create {self.noun.lower()}s")
        name = req.get("name")
        if name is None:
            raise ValidationException(f"A name is required to create a {self.noun.lower()}.")
        if name in self.by_name:
            raise ConflictException(f"{self.noun} {name} already exists.")
        if len(self.stores) >= quota:
            raise ServiceQuotaExceededException(
                f"The account has reached the maximum number of {self.noun.lower()}s ({quota}) "
                f"in {backend.region}."
            )
        check()
        reference_arn = (req.get("reference") or {}).get("referenceArn")
        if reference_arn is None and reference_required:
            raise ValidationException(f"A reference is required for this {self.noun.lower()}.")
        if reference_arn is not None:
            check_reference(backend, reference_arn)
        tags = checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource)
        return {
            "id": backend.ids.hexadecimal(),
            "name": name,
            "arn": backend.arn(f"{ARN_KIND[self.kind]}/{name}"),
            "creation_time": backend.clock.now(),
            "reference_arn": reference_arn,
            "description": req.get("description") or "",
            "sse_config": dict(req.get("sseConfig") or DEFAULT_SSE),
            "tags": tags,
        }

    def add(self, store: S) -> S:
        """Keep a new store (CREATING) and schedule it ACTIVE."""
        self.stores.add(store.id, store)
        self.by_name[store.name] = store
        self.backend.register_taggable(store.arn, store)
        delay = self.backend.settings.analytics.durations.store_creating
        self.backend.scheduler.schedule(store.creation_time + delay, store.activate)
        return store

    # -- List, Update, Delete -----------------------------------------------------------------

    def listing(self, req: Params, render: Callable[[S], dict[str, Any]]) -> Listing:
        """Newest first; ``ids`` (store IDs) and ``filter.status`` narrow it (AND)."""
        ids = set(req["ids"]) if req.get("ids") is not None else None
        status = (req.get("filter") or {}).get("status")

        def where(store: S) -> bool:
            return (ids is None or store.id in ids) and (status is None or store.status == status)

        return Listing(self.stores, render, None if ids is None and status is None else where)

    def update(self, req: Params) -> S:
        """UpdateVariantStore/UpdateAnnotationStore: the description (not while DELETING)."""
        store = self.named(req["name"])
        if store.status == DELETING:
            raise ValidationException(
                f"{self.noun} {store.name} is DELETING; it cannot be updated."
            )
        now = self.backend.clock.now()
        description = req.get("description")
        store.describe(store.description if description is None else description, now)
        delay = self.backend.settings.analytics.durations.store_updating
        if delay and store.status in TAKES_DATA:
            store.status = UPDATING
            self.backend.scheduler.schedule(now + delay, store.activate)
        return store

    def delete(self, req: Params, blocker: Callable[[S], str | None]) -> dict[str, Any]:
        """DeleteVariantStore/DeleteAnnotationStore: DELETING, then gone.

        Refused (ConflictException) while CREATING or UPDATING, when ``blocker``
        names a reason, and while imports run unless ``force`` (which cancels them).
        """
        store = self.named(req["name"])
        if store.status == DELETING:
            return {"status": DELETING}
        if store.status in (CREATING, UPDATING):
            raise ConflictException(
                f"{self.noun} {store.name} is {store.status}; it can be deleted once it is "
                "ACTIVE or FAILED."
            )
        reason = blocker(store)
        if reason is not None:
            raise ConflictException(f"{self.noun} {store.name} cannot be deleted: {reason}")
        events = self.backend.events
        running = sum(events.publish(RunningImports(self.kind, store.id)))
        if running and not req.get("force"):
            raise ConflictException(
                f"{self.noun} {store.name} has {running} import job(s) in progress; cancel "
                "them, wait for them to end, or delete with force=true."
            )
        now = self.backend.clock.now()
        if running:
            events.publish(CancelImports(self.kind, store.id, now))
        store.start_deleting(now)
        self.deleting_parts(store, now)
        delay = self.backend.settings.analytics.durations.store_deleting
        self.backend.scheduler.schedule(now + delay, functools.partial(self._deleted, store))
        return {"status": DELETING}

    def _deleted(self, store: S, at: _dt.datetime) -> None:
        self.remove(store)

    # -- removal, failure (control API) ----------------------------------------------------

    def remove(self, store: S) -> None:
        """Forget a store, its tags and its shares."""
        if store.removed:
            return
        self.stores.remove(store.id)
        if self.by_name.get(store.name) is store:
            del self.by_name[store.name]
        self.backend.unregister_taggable(store.arn)
        self.forget_parts(store)
        self.backend.events.publish(SharedResourceRemoved(store.arn))

    def deleting_parts(self, store: S, at: _dt.datetime) -> None:
        """What a kind keeps inside a store is DELETING with it (annotation store versions)."""

    def forget_parts(self, store: S) -> None:
        """What a kind keeps inside a store goes with it."""

    def fail(self, store: S, message: str, at: _dt.datetime) -> None:
        store.fail(message, at)

    # -- shares --------------------------------------------------------------------------

    @reacts_to(ShareableResource)
    def shareable(self, question: ShareableResource) -> SharedResource | None:
        arn = parse_store_arn(question.arn)
        if arn is None or arn.kind != self.kind:
            return None
        backend = self.backend
        store = self.by_name.get(arn.name)
        if store is None or (arn.account_id, arn.region) != (backend.account_id, backend.region):
            raise store_not_found(self.kind, arn.name)
        if store.status not in TAKES_DATA:
            raise ConflictException(
                f"{self.noun} {store.name} is {store.status}; only an ACTIVE store can be shared."
            )
        quota = backend.settings.analytics.quotas.max_shares_per_store
        return SharedResource(SHARE_TYPE[self.kind], store.id, store.arn, quota)


def check_reference(backend: Backend, arn: str) -> None:
    """``settings.analytics.reference_check == "exists"``: the ARN names an ACTIVE
    reference of this account and Region (ResourceNotFoundException otherwise)."""
    if backend.settings.analytics.reference_check == "any":
        return
    parsed = parse_child_arn(arn)
    problems = [p for p in backend.events.publish(ReferenceProblem(arn)) if p]
    if (
        parsed is None
        or parsed.kind != "reference"
        or (parsed.account_id, parsed.region) != (backend.account_id, backend.region)
        or problems
    ):
        raise ResourceNotFoundException(f"Reference {arn} not found")
