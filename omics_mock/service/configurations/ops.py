"""CreateConfiguration, GetConfiguration, ListConfigurations, DeleteConfiguration.

See ``model`` for the lifecycle and what the mock can and cannot check.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib

from ...wire.errors import ConflictException, ServiceQuotaExceededException, ValidationException
from ..kernel.state import Backend, Family, Params, not_found, operation
from ..kernel.store import Listing, Store
from ..tags.rules import checked_tags
from .events import ConfigurationInUse
from .model import ACTIVE, CREATING, DELETING, Configuration


def _vpc_id(subnets: list[str]) -> str:
    return "vpc-" + hashlib.sha256(",".join(sorted(subnets)).encode()).hexdigest()[:17]


class Configurations(Family):
    """Configurations of one account and Region."""

    key = "configurations"

    def __init__(self, backend: Backend) -> None:
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

    @operation("CreateConfiguration", render=Configuration.to_get_output)
    def create_configuration(self, req: Params) -> Configuration:
        backend = self.backend
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
            uuid=backend.ids.uuid(),
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
        backend.scheduler.schedule(
            now + backend.settings.durations.configuration_creating,
            functools.partial(self._activate, configuration),
        )
        return configuration

    def _activate(self, configuration: Configuration, at: _dt.datetime) -> None:
        if configuration.status == CREATING:
            configuration.status = ACTIVE

    @operation("GetConfiguration", render=Configuration.to_get_output)
    def get_configuration(self, req: Params) -> Configuration:
        return self.get(req["name"])

    @operation("ListConfigurations")
    def list_configurations(self, req: Params) -> Listing:
        return Listing(self.store, Configuration.to_list_item, default_limit=10)

    @operation("DeleteConfiguration")
    def delete_configuration(self, req: Params) -> None:
        configuration = self.get(req["name"])
        if configuration.status == DELETING:
            return
        if configuration.status == CREATING:
            raise ConflictException(f"Configuration {configuration.name} is still CREATING.")
        users = [
            run_id
            for answer in self.backend.events.publish(ConfigurationInUse(configuration.name))
            for run_id in answer
        ]
        if users:
            raise ConflictException(
                f"Configuration {configuration.name} is used by active runs "
                f"({', '.join(users[:5])})."
            )
        configuration.status = DELETING
        backend = self.backend
        backend.scheduler.schedule(
            backend.clock.now() + backend.settings.durations.configuration_deleting,
            functools.partial(self._remove, configuration),
        )

    def _remove(self, configuration: Configuration, at: _dt.datetime) -> None:
        if self.store.get(configuration.name) is configuration:
            self.store.remove(configuration.name)
            self.backend.unregister_taggable(configuration.arn)
