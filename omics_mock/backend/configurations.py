"""Configurations: the VPC networking settings runs with ``networkingMode=VPC`` use.

CreateConfiguration answers CREATING and the configuration becomes ACTIVE after
``durations.configuration_creating`` of virtual time (the service takes up to
15 minutes; the mock defaults to the next request). Configurations are
immutable, named uniquely per account, at most ``quotas.max_configurations``
(10). The service needs at least one subnet and one security group (the model
allows empty lists). ``vpcId`` is derived from the subnets: the mock cannot
see your VPC, so it computes a stable ``vpc-...`` ID and cannot check that all
subnets share one VPC. DeleteConfiguration is refused while active runs use
the configuration; otherwise it is DELETING, then gone.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from ..protocol.errors import ConflictException, ServiceQuotaExceededException, ValidationException
from .base import Family, Params, not_found, operation
from .ids import new_uuid
from .store import Store
from .tags import checked_tags

CREATING, ACTIVE, DELETING = "CREATING", "ACTIVE", "DELETING"


@dataclass(eq=False)
class Configuration:
    """A named, immutable VPC configuration."""

    name: str
    arn: str
    uuid: str
    creation_time: _dt.datetime
    vpc_config: dict[str, Any]
    description: str | None = None
    status: str = CREATING
    tags: dict[str, str] = field(default_factory=dict)

    def to_list_item(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "arn": self.arn,
            "name": self.name,
            "status": self.status,
            "creationTime": self.creation_time,
        }
        if self.description is not None:
            output["description"] = self.description
        return output

    def to_get_output(self) -> dict[str, Any]:
        output = self.to_list_item()
        output["uuid"] = self.uuid
        output["runConfigurations"] = {"vpcConfig": dict(self.vpc_config)}
        output["tags"] = dict(self.tags)
        return output

    def to_run_reference(self) -> dict[str, Any]:
        return {"name": self.name, "arn": self.arn, "uuid": self.uuid}

    def run_vpc_config(self) -> dict[str, Any]:
        return {k: self.vpc_config[k] for k in ("securityGroupIds", "subnetIds", "vpcId")}


def _vpc_id(subnets: list[str]) -> str:
    return "vpc-" + hashlib.sha256(",".join(sorted(subnets)).encode()).hexdigest()[:17]


class Configurations(Family):
    """Configurations of one account and Region."""

    attribute = "configurations"

    def __init__(self, backend: Any) -> None:
        super().__init__(backend)
        self.store: Store[Configuration] = Store("configuration")

    def get(self, name: str) -> Configuration:
        configuration = self.store.get(name)
        if configuration is None:
            raise not_found("Configuration", name)
        return configuration

    def for_run(self, name: str) -> Configuration:
        """The ACTIVE configuration a VPC run names."""
        configuration = self.get(name)
        if configuration.status != ACTIVE:
            raise ValidationException(
                f"Configuration {name} is {configuration.status}; "
                "runs need an ACTIVE configuration."
            )
        return configuration

    @operation("CreateConfiguration")
    def create_configuration(self, req: Params) -> dict[str, Any]:
        backend = self.backend
        existing = backend.idempotency.lookup("CreateConfiguration", req)
        if existing is not None and existing in self.store:
            return self.get(existing).to_get_output()
        name = req["name"]
        if name in self.store:
            raise ConflictException(f"Configuration {name} already exists.")
        quota = backend.settings.quotas.max_configurations
        if len(self.store) >= quota:
            raise ServiceQuotaExceededException(
                f"The account has reached the maximum number of configurations ({quota})."
            )
        vpc = (req["runConfigurations"] or {}).get("vpcConfig") or {}
        subnets = list(vpc.get("subnetIds") or [])
        groups = list(vpc.get("securityGroupIds") or [])
        if not subnets or not groups:
            raise ValidationException(
                "runConfigurations.vpcConfig needs at least one subnet and one security group."
            )
        if len(set(subnets)) != len(subnets) or len(set(groups)) != len(groups):
            raise ValidationException(
                "runConfigurations.vpcConfig lists a subnet or security group twice."
            )
        now = backend.clock.now()
        configuration = Configuration(
            name=name,
            arn=backend.arn(f"configuration/{name}"),
            uuid=new_uuid(),
            creation_time=now,
            vpc_config={
                "securityGroupIds": groups,
                "subnetIds": subnets,
                "vpcId": _vpc_id(subnets),
                "vpcOwnerAccountId": vpc.get("vpcOwnerAccountId") or backend.account_id,
            },
            description=req.get("description"),
            tags=checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource),
        )
        self.store.add(name, configuration)
        backend.register_taggable(configuration.arn, configuration)
        backend.idempotency.remember("CreateConfiguration", req, name)

        def activate(at: _dt.datetime) -> None:
            if configuration.status == CREATING:
                configuration.status = ACTIVE

        backend.scheduler.schedule(
            now + backend.settings.durations.configuration_creating, activate
        )
        return configuration.to_get_output()

    @operation("GetConfiguration")
    def get_configuration(self, req: Params) -> dict[str, Any]:
        return self.get(req["name"]).to_get_output()

    @operation("ListConfigurations")
    def list_configurations(self, req: Params) -> dict[str, Any]:
        items, token = self.store.page(req.get("startingToken"), req.get("maxResults") or 10)
        page: dict[str, Any] = {"items": [c.to_list_item() for c in items]}
        if token is not None:
            page["nextToken"] = token
        return page

    @operation("DeleteConfiguration")
    def delete_configuration(self, req: Params) -> None:
        configuration = self.get(req["name"])
        if configuration.status == DELETING:
            return
        if configuration.status == CREATING:
            raise ConflictException(f"Configuration {configuration.name} is still CREATING.")
        users = [
            run.id
            for run in self.backend.runs.store.values()
            if run.is_active and run.configuration_name == configuration.name
        ]
        if users:
            raise ConflictException(
                f"Configuration {configuration.name} is used by active runs "
                f"({', '.join(users[:5])})."
            )
        configuration.status = DELETING
        backend = self.backend

        def remove(at: _dt.datetime) -> None:
            if self.store.get(configuration.name) is configuration:
                self.store.remove(configuration.name)
                backend.unregister_taggable(configuration.arn)

        backend.scheduler.schedule(
            backend.clock.now() + backend.settings.durations.configuration_deleting, remove
        )
