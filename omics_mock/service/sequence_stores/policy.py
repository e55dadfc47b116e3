"""S3 access policies of sequence stores (spec §4): the default one and what Put accepts.

A policy may only use the elements Version, Id, Statement, Sid, Effect,
Principal, Action, Resource and Condition; only the actions the default policy
grants; only resources under the store's access point; and only the condition
keys the User Guide lists. Anything else is a ValidationException.
"""

from __future__ import annotations

import json
from typing import Any

from ...wire.errors import ValidationException

TOP_LEVEL = frozenset({"Version", "Id", "Statement"})
STATEMENT = frozenset({"Sid", "Effect", "Principal", "Action", "Resource", "Condition"})
ACTIONS = frozenset({"s3:getobject", "s3:getobjecttagging", "s3:listbucket"})
CONDITION_KEYS = ("s3:existingobjecttag/", "s3:prefix", "s3:signatureversion", "s3:tlsversion")
PRINCIPAL_ARN_OPERATORS = frozenset({"ArnEquals", "ArnLike"})


def default_policy(account_id: str, store_id: str, access_point_arn: str) -> str:
    """The policy HealthOmics writes at store creation: the owner account may read
    the store's objects and list its prefix through the access point."""
    prefix = f"{account_id}/sequenceStore/{store_id}"
    principal = {"AWS": f"arn:aws:iam::{account_id}:root"}
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DefaultReadAccess",
                "Effect": "Allow",
                "Principal": principal,
                "Action": ["s3:GetObject", "s3:GetObjectTagging"],
                "Resource": f"{access_point_arn}/object/{prefix}/*",
            },
            {
                "Sid": "DefaultListAccess",
                "Effect": "Allow",
                "Principal": principal,
                "Action": "s3:ListBucket",
                "Resource": access_point_arn,
                "Condition": {"StringLike": {"s3:prefix": f"{prefix}/*"}},
            },
        ],
    }
    return json.dumps(document, indent=2)


def check_policy(text: str, access_point_arn: str, limit: int) -> None:
    """Refuse a policy the service would not store (ValidationException)."""
    size = len(text.encode("utf-8"))
    if size > limit:
        raise _invalid(f"the policy is {size} bytes; the maximum is {limit} bytes")
    try:
        document = json.loads(text)
    except ValueError:
        raise _invalid("it is not a JSON document") from None
    if not isinstance(document, dict):
        raise _invalid("it must be a JSON object")
    _only(document, TOP_LEVEL, "policy")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise _invalid("it needs a Statement")
    for statement in statements:
        _check_statement(statement, access_point_arn)


def _check_statement(statement: Any, access_point_arn: str) -> None:
    if not isinstance(statement, dict):
        raise _invalid("each Statement must be a JSON object")
    _only(statement, STATEMENT, "statement")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise _invalid("Effect must be Allow or Deny")
    if "Principal" not in statement:
        raise _invalid("each statement needs a Principal")
    for action in _strings(statement.get("Action"), "Action"):
        if action.lower() not in ACTIONS:
            raise _invalid(f"the action {action} is not supported for sequence store access")
    for resource in _strings(statement.get("Resource"), "Resource"):
        if resource != access_point_arn and not resource.startswith(f"{access_point_arn}/"):
            raise _invalid(f"the resource {resource} is outside the store's access point")
    condition = statement.get("Condition")
    if condition is not None:
        _check_condition(condition)


def _check_condition(condition: Any) -> None:
    if not isinstance(condition, dict):
        raise _invalid("Condition must be a JSON object")
    for operator, entries in condition.items():
        if not isinstance(entries, dict):
            raise _invalid(f"the condition {operator} must be a JSON object")
        for key in entries:
            lowered = str(key).lower()
            if lowered == "aws:principalarn":
                if operator not in PRINCIPAL_ARN_OPERATORS:
                    raise _invalid("aws:PrincipalArn can only be used with ArnEquals or ArnLike")
            elif not any(
                lowered == allowed or (allowed.endswith("/") and lowered.startswith(allowed))
                for allowed in CONDITION_KEYS
            ):
                raise _invalid(f"the condition key {key} is not supported")


def _strings(value: Any, element: str) -> list[str]:
    if value is None:
        raise _invalid(f"each statement needs {element}")
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _invalid(f"{element} must be a string or a list of strings")
    return values


def _only(document: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    extra = sorted(set(document) - allowed)
    if extra:
        raise _invalid(f"the {where} element {extra[0]} is not supported")


def _invalid(reason: str) -> ValidationException:
    return ValidationException(f"The S3 access policy is not valid: {reason}.")
