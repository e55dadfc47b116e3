"""StartRun's rules: turning a request into a plan for a new run.

Shape validation has already happened in the protocol layer; this module
holds the service's own rules (spec §2.3, §5.2-5.5): which workflow and
version, duplication by ``runId``, parameters against the template, storage,
networking, caching, and the values GetRun will echo.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...wire.errors import ValidationException
from ..configurations.model import Configuration
from ..configurations.ops import Configurations
from ..kernel.state import Params, not_found
from ..kernel.store import Store
from ..run_caches.ops import RunCaches
from ..run_groups.ops import RunGroups
from ..storage.inputs import input_problems
from ..tags.rules import checked_tags
from ..workflows.ops import Workflows
from .model import Run

if TYPE_CHECKING:
    from ..kernel.state import Backend

DEFAULT_STATIC_CAPACITY = 1200
_BUCKET_CHARACTERS = re.compile(r"[a-z0-9.\-]*")

COPIED_ON_DUPLICATE = (
    "workflowId",
    "workflowType",
    "workflowVersionName",
    "name",
    "runGroupId",
    "priority",
    "parameters",
    "storageCapacity",
    "storageType",
    "cacheId",
    "cacheBehavior",
    "retentionMode",
    "logLevel",
    "networkingMode",
    "configurationName",
    "scratchStorageMode",
    "engineSettings",
    "sessionPolicy",
    "outputUriPrefixMode",
    "tags",
)
"""StartRun members a duplicate (``runId``) takes from its source unless given."""


@dataclass
class RunPlan:
    """Everything needed to create a run, resolved and checked."""

    request: Params
    workflow: Any
    version: Any
    definition: Any
    source_run: Run | None
    tags: dict[str, str]
    storage_type: str
    storage_capacity: int | None
    retention_mode: str
    priority: int
    run_group_id: str | None
    cache_id: str | None
    cache_behavior: str | None
    configuration: Configuration | None


def effective_request(stored: Store[Run], req: Params) -> tuple[Params, Run | None]:
    """The request with a duplicated run's settings filled in."""
    run_id = req.get("runId")
    workflow_id = req.get("workflowId")
    if run_id is None and workflow_id is None:
        raise ValidationException(
            "StartRun needs either workflowId (a new run) or runId (a duplicate)."
        )
    if run_id is None:
        return req, None
    if workflow_id is not None:
        raise ValidationException("Specify either workflowId or runId, not both.")
    if req.get("workflowOwnerId") is not None:
        raise ValidationException(
            "Runs of workflows shared with you cannot be duplicated with runId."
        )
    source = stored.get(run_id)
    if source is None:
        raise not_found("Run", run_id)
    if source.workflow_owner_id is not None:
        raise ValidationException(
            f"Run {run_id} uses a workflow shared with you; such runs cannot be duplicated."
        )
    merged: Params = {k: source.request[k] for k in COPIED_ON_DUPLICATE if k in source.request}
    merged.update({k: v for k, v in req.items() if v is not None and k != "runId"})
    if "tags" in req and "tags" in source.request:
        merged["tags"] = {**source.request["tags"], **req["tags"]}
    return merged, source


def plan_run(
    backend: Backend, stored: Store[Run], req: Params, *, check_parameters: bool = True
) -> RunPlan:
    """Check a StartRun request against the service's rules.

    ``stored`` holds the runs a duplicate (``runId``) may copy.
    ``check_parameters=False`` skips the template check (StartRunBatch checks
    the common settings before any run's own parameters are known).
    """
    req, source = effective_request(stored, req)
    workflows = backend.get(Workflows)
    workflow_type = req.get("workflowType")
    workflow = workflows.find(req["workflowId"], workflow_type, req.get("workflowOwnerId"))
    if workflow.status != "ACTIVE":
        raise ValidationException(
            f"Workflow {workflow.id} is {workflow.status}; "
            "runs can only start from an ACTIVE workflow."
        )
    version = None
    definition = workflow.definition
    if req.get("workflowVersionName") is not None:
        version = workflows.find_version(workflow, req["workflowVersionName"])
        if version.status != "ACTIVE":
            raise ValidationException(
                f"Workflow version {version.name} is {version.status}; runs need an ACTIVE version."
            )
        definition = version.definition
    ready2run = workflow.type == "READY2RUN"
    if check_parameters:
        _check_parameters(
            backend,
            definition.parameter_template,
            req.get("parameters"),
            definition.input_namespace,
        )
    _check_output_uri(req.get("outputUri"))
    _check_storage_inputs(backend, req.get("parameters"))
    _check_session_policy(req.get("sessionPolicy"))
    cache_id, cache_behavior = _check_cache(backend, req, ready2run)
    configuration = _check_networking(backend, req)
    run_group_id = req.get("runGroupId")
    if run_group_id is not None:
        backend.get(RunGroups).get(run_group_id)
    storage_type = (
        req.get("storageType") or definition.storage_type or backend.settings.default_storage_type
    )
    storage_capacity = None
    if storage_type == "STATIC":
        storage_capacity = req.get("storageCapacity")
        if storage_capacity is None:
            storage_capacity = definition.storage_capacity or DEFAULT_STATIC_CAPACITY
    return RunPlan(
        request=req,
        workflow=workflow,
        version=version,
        definition=definition,
        source_run=source,
        tags=checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource),
        storage_type=storage_type,
        storage_capacity=storage_capacity,
        retention_mode=req.get("retentionMode") or "RETAIN",
        priority=req.get("priority") or 0,
        run_group_id=run_group_id,
        cache_id=cache_id,
        cache_behavior=cache_behavior,
        configuration=configuration,
    )


def _check_parameters(
    backend: Backend,
    template: dict[str, dict[str, Any]] | None,
    parameters: Any,
    namespace: str | None = None,
) -> None:
    """Required parameters given, none unknown; WDL inputs may be qualified with the
    workflow's name (``{"wgs.sample": ...}``, as the User Guide's input.json shows)."""
    given = parameters if isinstance(parameters, dict) else {}
    if parameters is not None and not isinstance(parameters, dict):
        raise ValidationException("parameters must be a JSON object of parameter names to values.")
    limit = backend.settings.quotas.max_parameter_bytes
    size = _json_size(given, limit)
    if size > limit:
        raise ValidationException(
            f"The run parameters are {size} bytes; the maximum is {limit} bytes."
        )
    if template is None:
        return
    if namespace is not None:
        given = {_unqualified(name, namespace, template): value for name, value in given.items()}
    missing = [
        name
        for name, spec in template.items()
        if not spec.get("optional", False) and name not in given
    ]
    if missing:
        raise ValidationException(f"Missing required parameter(s): {', '.join(sorted(missing))}.")
    unknown = [name for name in given if name not in template]
    if unknown:
        raise ValidationException(
            "Parameter(s) not defined in the workflow's parameter template: "
            f"{', '.join(sorted(unknown))}."
        )


def _unqualified(name: str, namespace: str, template: dict[str, dict[str, Any]]) -> str:
    """``wgs.sample`` -> ``sample`` when the workflow is ``wgs`` and declares ``sample``."""
    prefix = f"{namespace}."
    if name.startswith(prefix) and name[len(prefix) :] in template:
        return name[len(prefix) :]
    return name


def _json_size(value: dict[str, Any], limit: int) -> int:
    """The parameters' size as compact JSON; exact only when it could exceed ``limit``.

    The JSON text of a JSON value is never more than twelve times as long as its
    ``repr`` (one character escapes to at most twelve), and ``repr`` costs a
    fraction of ``json.dumps``: most parameter sets are far below the limit.
    """
    rough = len(repr(value))
    if rough * 12 < limit:
        return rough
    return len(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def _check_storage_inputs(backend: Backend, parameters: Any) -> None:
    """``omics://`` inputs: refused here only when ``storage_uri_failure`` is ``"start"``
    (otherwise the run fails when it would start: ``Runs.unreadable_inputs``)."""
    if backend.settings.storage.storage_uri_failure != "start":
        return
    problems = input_problems(backend, parameters, backend.clock.now(), used=False)
    if problems:
        raise ValidationException(problems[0])


def _check_output_uri(uri: str | None) -> None:
    if uri is None:  # a batch run whose default and own settings both leave it out
        raise ValidationException("outputUri is required: set it in the run setting or default.")
    problem = _output_uri_problem(uri)
    if problem is not None:
        raise ValidationException(
            f"outputUri must be an S3 URI such as s3://bucket/prefix/: {uri} ({problem})"
        )


def _output_uri_problem(uri: str) -> str | None:
    """Which rule of S3 bucket naming ``uri`` breaks, if any."""
    if not uri.startswith("s3://"):
        return "it does not start with s3://"
    bucket = uri[len("s3://") :].split("/", 1)[0]
    if not 3 <= len(bucket) <= 63:
        return f"bucket names are 3 to 63 characters long; {bucket!r} has {len(bucket)}"
    if not _BUCKET_CHARACTERS.fullmatch(bucket):
        return "bucket names use only lower-case letters, digits, dots and hyphens"
    if not (bucket[0].isalnum() and bucket[-1].isalnum()):
        return "bucket names begin and end with a letter or a digit"
    return None


def _check_session_policy(policy: str | None) -> None:
    if policy is None:
        return
    try:
        document = json.loads(policy)
    except ValueError:
        raise ValidationException("sessionPolicy must be a JSON IAM policy document.") from None
    if not isinstance(document, dict):
        raise ValidationException("sessionPolicy must be a JSON IAM policy document.")


def _check_cache(backend: Backend, req: Params, ready2run: bool) -> tuple[str | None, str | None]:
    cache_id = req.get("cacheId")
    behavior = req.get("cacheBehavior")
    if behavior is not None and cache_id is None:
        raise ValidationException("cacheBehavior requires cacheId to be set.")
    if cache_id is None:
        return None, None
    if ready2run:
        raise ValidationException("Call caching is not supported for READY2RUN workflows.")
    cache = backend.get(RunCaches).get(cache_id)
    return cache_id, behavior or cache.cache_behavior


def _check_networking(backend: Backend, req: Params) -> Configuration | None:
    mode = req.get("networkingMode")
    name = req.get("configurationName")
    if mode == "VPC" and name is None:
        raise ValidationException("networkingMode VPC requires configurationName.")
    if name is not None and mode != "VPC":
        raise ValidationException("configurationName is only used with networkingMode VPC.")
    if name is None:
        return None
    return backend.get(Configurations).for_run(name)
