"""Events HealthOmics sends, delivered to the targets of the default bus's rules in moto.

Delivery goes rule by rule through moto's own matching and target code
(``Rule.send_to_targets``), given the full event: SQS bodies then carry the
whole envelope, ``account`` included, and no optional package (moto's input
templates need ``jsonpath_ng``) is needed except for targets with an
``InputTransformer``. Lambda targets, which moto's EventBridge does not
deliver to, are invoked through moto's Lambda backend, asynchronously in AWS and
so best effort here: a failure is logged, never raised.
"""

from __future__ import annotations

import calendar
import copy
import json
import logging
import time
from collections.abc import Iterable
from typing import Any

from . import moto_backends

logger = logging.getLogger("omics_mock")


def rules(account: str, region: str) -> list[Any]:
    """The enabled rules of the default bus (none: nothing to deliver, nothing to build)."""
    backend = moto_backends.events(account, region)
    if backend is None:
        return []
    try:
        bus = backend.describe_event_bus("default")
    except Exception:  # pragma: no cover - moto makes the default bus itself
        return []
    return [rule for rule in bus.rules.values() if getattr(rule, "state", "ENABLED") == "ENABLED"]


def deliver(
    account: str,
    region: str,
    envelopes: Iterable[dict[str, Any]],
    enabled: list[Any] | None = None,
) -> None:
    """Deliver each event (as EventBridge sends it) to the matching rules' targets
    (``enabled``: the rules, when the caller has just read them)."""
    if enabled is None:
        enabled = rules(account, region)
    if not enabled:
        return
    for envelope in envelopes:
        message = dict(envelope)
        message["time"] = _epoch(envelope["time"])
        for rule in enabled:
            _to_rule(account, region, rule, message)


def _to_rule(account: str, region: str, rule: Any, message: dict[str, Any]) -> None:
    try:
        if not rule.event_pattern.matches_event(message):
            return
    except Exception as error:  # pragma: no cover - a pattern moto cannot read
        logger.warning("omics-mock: rule %s could not match an event: %s", rule.name, error)
        return
    plain, transformed, lambdas = [], [], []
    for target in rule.targets:
        arn = str(target.get("Arn", ""))
        if arn.split(":")[2:3] == ["lambda"]:
            lambdas.append(target)
        elif target.get("InputTransformer"):
            transformed.append(target)
        else:
            plain.append(target)
    if plain:
        _send(rule, plain, message, transform=False)
    for target in transformed:
        _send(rule, [target], message, transform=True)
    for target in lambdas:
        _invoke(account, region, target, message)


def _send(
    rule: Any, targets: list[dict[str, Any]], message: dict[str, Any], transform: bool
) -> None:
    clone = copy.copy(rule)
    clone.targets = targets
    try:
        clone.send_to_targets(dict(message), transform_input=transform)
    except Exception as error:
        logger.warning("omics-mock: rule %s could not deliver an event: %s", rule.name, error)


def _invoke(account: str, region: str, target: dict[str, Any], message: dict[str, Any]) -> None:
    arn = str(target["Arn"])
    body = dict(message)
    body["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(message["time"]))
    parts = arn.split(":")
    backend = moto_backends.lambdas(parts[4] or account, parts[3] or region)
    if backend is None:
        return
    try:
        backend.invoke(arn, None, json.dumps(body), {}, {})
    except Exception as error:  # asynchronous in AWS: the sender never sees a failure
        logger.warning("omics-mock: could not invoke %s with an event: %s", arn, error)


def _epoch(text: str) -> int:
    """``2024-01-02T03:04:05Z`` as epoch seconds (what moto's delivery expects)."""
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))
