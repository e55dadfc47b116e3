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
from dataclasses import dataclass, field
from typing import Any

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
    removed: bool = False

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
