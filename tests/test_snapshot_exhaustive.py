"""A snapshot carries everything: the restored state is the same object graph, attribute for
attribute and with the same sharing, as the state it was written from."""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
from typing import Any

import omics_mock.service
from omics_mock import mock_omics
from omics_mock.service.snapshot.classes import plan_for

from .graph_compare import differences
from .snapshot_world import build_world


def state_of(mock: Any) -> Any:
    return mock._door.state


def round_trip(document: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(document, allow_nan=False))


def test_a_restored_state_is_the_same_graph_as_the_original() -> None:
    with mock_omics() as mock:
        build_world(mock)
        document = round_trip(mock.snapshot())
        original = state_of(mock)
    assert document["omitted"] == []
    restored = mock_omics(state=document)
    assert differences(original, state_of(restored)) == []


def test_the_comparison_sees_a_changed_attribute() -> None:
    with mock_omics() as mock:
        world = build_world(mock)
        document = round_trip(mock.snapshot())
        original = state_of(mock)
    restored = mock_omics(state=document)
    restored.runs.get(world.runs[0]).priority = 99
    assert any("priority" in problem for problem in differences(original, state_of(restored)))


def test_every_field_of_every_service_dataclass_is_carried() -> None:
    for module in pkgutil.walk_packages(omics_mock.service.__path__, "omics_mock.service."):
        for value in vars(importlib.import_module(module.name)).values():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and value.__module__ == module.name
            ):
                wiring = set(getattr(value, "SNAPSHOT_WIRING", ()))
                carried = [field.name for field in plan_for(value).fields or ()]
                assert carried == [
                    f.name for f in dataclasses.fields(value) if f.name not in wiring
                ], value
