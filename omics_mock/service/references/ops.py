"""Reference stores and references: Create/Get/List/Delete ReferenceStore,
GetReference, GetReferenceMetadata, ListReferences, DeleteReference (spec §8).

An account and Region holds at most ``quotas.max_reference_stores`` (1)
reference stores. A store is deleted only when empty; a reference only while no
read set names it. GetReference serves part ``n`` of the source (FASTA) or its
``.fai`` index like GetReadSet, and a ``Range`` header narrows that part.
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any

from ...wire.errors import (
    ConflictException,
    RangeNotSatisfiableException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
)
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params, not_found, operation
from ..kernel.store import Listing, Store
from ..storage import names
from ..storage.blobs import byte_range
from ..storage.events import (
    ReferenceInUse,
    ReferenceProblem,
    RunningJobs,
    StorageInputProblems,
)
from ..storage.filters import CREATED, equal, predicate
from ..storage.tokens import once_per_token
from ..tags.rules import checked_tags
from .model import ACTIVE, DELETING, FILE_KEYS, Reference, ReferenceStore

REFERENCE_FILTER = {**equal("name", "md5"), **CREATED}


class References(Family):
    """Reference stores and references of one account and Region."""

    key = "references"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.stores: Store[ReferenceStore] = Store("referenceStore", newest_first=False)
        self.by_store: dict[str, Store[Reference]] = {}
        self.by_id: dict[str, Reference] = {}

    def get_store(self, store_id: str) -> ReferenceStore:
        store = self.stores.get(store_id)
        if store is None:
            raise not_found("Reference store", store_id)
        return store

    def stored(self, store_id: str) -> Store[Reference]:
        found = self.by_store.get(store_id)
        if found is None:
            found = self.by_store[store_id] = Store("reference", newest_first=False)
        return found

    def find(self, store_id: str, reference_id: str) -> Reference:
        self.get_store(store_id)
        reference = self.by_id.get(reference_id)
        if reference is None or reference.store_id != store_id:
            raise not_found("Reference", reference_id)
        return reference

    # -- reference stores -----------------------------------------------------------------

    @operation("CreateReferenceStore", render=ReferenceStore.to_output)
    def create_reference_store(self, req: Params) -> ReferenceStore:
        return once_per_token(self.backend, "CreateReferenceStore", req, lambda: self._new(req))

    def _new(self, req: Params) -> ReferenceStore:
        backend = self.backend
        quota = backend.settings.storage.quotas.max_reference_stores
        if len(self.stores) >= quota:
            raise ServiceQuotaExceededException(
                f"The account has reached the maximum number of reference stores ({quota}) "
                f"in {backend.region}."
            )
        tags = checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource)
        store_id = backend.ids.numeric(names.ID_DIGITS)
        store = ReferenceStore(
            id=store_id,
            arn=backend.arn(f"referenceStore/{store_id}"),
            name=req["name"],
            creation_time=backend.clock.now(),
            description=req.get("description"),
            sse_config=req.get("sseConfig"),
            tags=tags,
        )
        self.stores.add(store_id, store)
        backend.register_taggable(store.arn, store)
        return store

    @operation("GetReferenceStore", render=ReferenceStore.to_output)
    def get_reference_store(self, req: Params) -> ReferenceStore:
        return self.get_store(req["id"])

    @operation("ListReferenceStores")
    def list_reference_stores(self, req: Params) -> Listing:
        where = predicate(req.get("filter"), {**equal("name"), **CREATED})
        return Listing(self.stores, ReferenceStore.to_output, where)

    @operation("DeleteReferenceStore")
    def delete_reference_store(self, req: Params) -> dict[str, Any]:
        store = self.get_store(req["id"])
        count = len(self.stored(store.id))
        if count:
            raise ConflictException(
                f"Reference store {store.id} cannot be deleted: it holds {count} reference(s)."
            )
        for running in self.backend.events.publish(RunningJobs("import", store.id)):
            if running:
                raise ConflictException(
                    f"Reference store {store.id} cannot be deleted: an import job is running."
                )
        self.stores.remove(store.id)
        self.by_store.pop(store.id, None)
        self.backend.unregister_taggable(store.arn)
        return {}

    # -- references ---------------------------------------------------------------------

    @operation("GetReferenceMetadata")
    def get_reference_metadata(self, req: Params) -> dict[str, Any]:
        reference = self.find(req["referenceStoreId"], req["id"])
        return reference.to_metadata(self.backend.settings.storage.read_part_size)

    @operation("ListReferences")
    def list_references(self, req: Params) -> Listing:
        store = self.get_store(req["referenceStoreId"])
        where = predicate(req.get("filter"), REFERENCE_FILTER)
        return Listing(self.stored(store.id), Reference.to_list_item, where)

    @operation("GetReference")
    def get_reference(self, req: Params) -> dict[str, Any]:
        reference = self.find(req["referenceStoreId"], req["id"])
        if reference.status != ACTIVE:
            raise not_found("Reference", reference.id)
        file = req.get("file") or "SOURCE"
        stored = reference.files.get(FILE_KEYS[file])
        if stored is None:
            raise ResourceNotFoundException(f"Reference {reference.id} has no {file} file.")
        part_size = self.backend.settings.storage.read_part_size
        part = stored.part(req["partNumber"], part_size)
        if part is None:
            last = stored.information(part_size)["totalParts"]
            raise RangeNotSatisfiableException(
                f"Part {req['partNumber']} is past the last part ({last}) of the {file} file "
                f"of reference {reference.id}."
            )
        if req.get("range") is not None:
            size = len(part)
            bounds = byte_range(req["range"], size)
            if bounds is None:
                raise RangeNotSatisfiableException(
                    f"The range {req['range']} cannot be satisfied in part "
                    f"{req['partNumber']} ({size} bytes)."
                )
            part = memoryview(part)[bounds[0] : bounds[1]]
        return {"payload": part}

    @operation("DeleteReference")
    def delete_reference(self, req: Params) -> dict[str, Any]:
        reference = self.find(req["referenceStoreId"], req["id"])
        for use in self.backend.events.publish(ReferenceInUse(reference.arn)):
            if use:
                raise ConflictException(f"Reference {reference.id} is in use: {use}")
        if reference.status == DELETING:
            return {}
        reference.status = DELETING
        reference.update_time = now = self.backend.clock.now()
        delay = self.backend.settings.storage.durations.reference_deleting
        self.backend.scheduler.schedule(now + delay, functools.partial(self._deleted, reference))
        return {}

    def _deleted(self, reference: Reference, at: _dt.datetime) -> None:
        self.forget(reference)

    # -- lifecycle (imports, control API) ---------------------------------------------------

    def add(self, reference: Reference) -> None:
        self.stored(reference.store_id).add(reference.id, reference)
        self.by_id[reference.id] = reference
        self.backend.register_taggable(reference.arn, reference)

    def forget(self, reference: Reference) -> None:
        self.stored(reference.store_id).remove(reference.id)
        self.by_id.pop(reference.id, None)
        self.backend.unregister_taggable(reference.arn)

    def named(self, store_id: str, name: str) -> Reference | None:
        return next((r for r in self.stored(store_id).values() if r.name == name), None)

    # -- questions from other families -----------------------------------------------------

    @reacts_to(ReferenceProblem)
    def reference_problem(self, question: ReferenceProblem) -> str | None:
        arn = names.parse_child_arn(question.reference_arn)
        backend = self.backend
        if arn is None or arn.kind != "reference":
            return None
        if (arn.account_id, arn.region) != (backend.account_id, backend.region):
            return None  # another account's reference: not ours to judge
        reference = self.by_id.get(arn.resource_id)
        if reference is None or reference.store_id != arn.store_id or reference.status != ACTIVE:
            return f"Reference {question.reference_arn} not found"
        return None

    @reacts_to(StorageInputProblems)
    def input_problems(self, question: StorageInputProblems) -> list[str]:
        problems = []
        for uri in question.uris:
            if uri.kind != "reference":
                continue
            reference = self.by_id.get(uri.resource_id)
            if reference is None or reference.store_id != uri.store_id:
                problems.append(f"Reference {uri.resource_id} not found in store {uri.store_id}.")
            elif reference.status != ACTIVE:
                problems.append(f"Reference {reference.id} is {reference.status}.")
            elif uri.file not in reference.files:
                problems.append(f"Reference {reference.id} has no {uri.file} file.")
        return problems
