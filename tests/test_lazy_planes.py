"""Planes are built when first needed: importing ``mock_omics`` loads no family, a request
to the workflow plane builds neither the storage nor the analytics plane, and a plane
built late answers as one built with the backend would."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError

from omics_mock import mock_omics
from omics_mock.pytest_plugin import omics_client_for
from omics_mock.service.catalog import CATALOG
from omics_mock.service.kernel.events import marked_methods
from omics_mock.service.kernel.planes import class_key
from omics_mock.service.kernel.state import OPERATIONS, Backend, ServiceState
from omics_mock.wire.model import service_spec

from .helpers import OUT, ROLE, error_of, zip_bytes

STORAGE = ("sequence_stores", "read_sets", "references", "read_set_jobs")
ANALYTICS = ("variant_stores", "annotation_stores", "analytics", "analytics_jobs")
FAMILY_PACKAGES = (
    *("workflows", "runs", "run_groups", "run_caches", "configurations", "batches"),
    *("run_artifacts", "shares", "tags", "storage", *STORAGE, *ANALYTICS),
)

LOADED = """
import json, socket, sys

def _refuse(*args, **kwargs):
    raise OSError("this test process has no network")

socket.socket.connect = _refuse  # a request the mock does not answer fails here

def loaded(*packages):
    return sorted(
        name for name in sys.modules
        if any(name == p or name.startswith(p + ".") for p in packages)
    )
"""


def run_python(code: str) -> Any:
    """What the last line ``code`` prints, as JSON, from a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", LOADED + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def service(*packages: str) -> list[str]:
    return [f"omics_mock.service.{package}" for package in packages]


def test_the_model_is_loaded_at_the_first_request_and_borrowed_from_its_client() -> None:
    printed = run_python(
        """
        import boto3
        from omics_mock import mock_omics
        import omics_mock.wire.model as wire_model

        client = boto3.client(
            "omics", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
        )
        with mock_omics():
            built_idle = wire_model.spec_built()
            items = client.list_workflows(name="wgs")["items"]  # a name: a Unicode-class pattern
            unicode_classes = "regex" in sys.modules
            try:
                client.list_workflows(name="w\\x07")  # not printable: the pattern must decide
            except client.exceptions.ValidationException:
                refused = "regex" in sys.modules
        borrowed = wire_model.service_spec().service_model is client.meta.service_model
        print(json.dumps([built_idle, items, borrowed, unicode_classes, refused]))
        """
    )
    assert printed == [False, [], True, False, True]


def test_requests_is_patched_when_the_process_imports_it_not_before() -> None:
    printed = run_python(
        """
        import boto3
        from omics_mock import mock_omics

        url = "https://omics.us-east-1.amazonaws.com/workflow"
        auth = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/20261201/us-east-1/omics/x"}
        with mock_omics():
            loaded_by_mock = "requests" in sys.modules
            import requests  # first imported while a mock is active
            during = requests.get(url, headers=auth, timeout=5).json()
        loader = type(requests.__spec__.loader).__name__
        with mock_omics():
            again = requests.get(url, headers=auth, timeout=5).status_code
        print(json.dumps([loaded_by_mock, during, loader, again]))
        """
    )
    assert printed == [False, {"items": []}, "SourceFileLoader", 200]


def test_requests_imported_unseen_is_patched_at_the_next_activation() -> None:
    printed = run_python(
        """
        import boto3
        from omics_mock import mock_omics

        with mock_omics():
            pass
        sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_Watch"]
        import requests  # a test framework swapped the import hooks: no hook saw this

        url = "https://omics.us-east-1.amazonaws.com/workflow"
        auth = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/20261201/us-east-1/omics/x"}
        with mock_omics():
            status = requests.get(url, headers=auth, timeout=5).status_code
        print(json.dumps(status))
        """
    )
    assert printed == 200


def test_importing_mock_omics_loads_no_family_display_snapshot_or_pipeline() -> None:
    unwanted = [
        *service(*FAMILY_PACKAGES, "snapshot", "catalog", "kernel.state", "kernel.settings"),
        "omics_mock.harness.display.views",
        "omics_mock.harness.snapshots",
        "omics_mock.harness.door",
        *(f"omics_mock.harness.control.{part}" for part in ("runs", "storage", "analytics")),
        *(f"omics_mock.harness.control.{part}" for part in ("artifacts", "resources")),
        "omics_mock.wire.pipeline",
        "omics_mock.wire.model",
    ]
    printed = run_python(
        f"""
        import boto3
        from omics_mock import mock_omics
        print(json.dumps(loaded(*{unwanted!r})))
        """
    )
    assert printed == []


def test_a_workflow_request_builds_neither_the_storage_nor_the_analytics_plane() -> None:
    printed = run_python(
        f"""
        import boto3
        from omics_mock import mock_omics
        with mock_omics():
            omics = boto3.client("omics", region_name="us-east-1")
            omics.list_workflows()
            after_workflows = loaded(*{service(*STORAGE, *ANALYTICS)!r})
            omics.create_sequence_store(name="cohort")
            after_storage = loaded(*{service(*STORAGE)!r}), loaded(*{service(*ANALYTICS)!r})
        print(json.dumps([after_workflows, *after_storage]))
        """
    )
    after_workflows, storage, analytics = printed
    assert after_workflows == []
    assert "omics_mock.service.read_sets.ops" in storage
    assert analytics == []


# -- the catalog agrees with the families and the model ------------------------------------


def test_every_host_the_model_gives_an_operation_names_a_plane() -> None:
    hosts = {spec.host_prefix for spec in service_spec().operations.values()}
    assert hosts <= set(CATALOG.hosts)
    assert set(CATALOG.hosts.values()) <= set(CATALOG.planes)


def test_every_operation_is_handled_in_the_plane_of_its_host() -> None:
    families = CATALOG.all_classes()
    operations = service_spec().operations
    wrong = {
        name: (operations[name].host_prefix, CATALOG.plane_of(binding.family))
        for name, binding in OPERATIONS.items()
        if binding.family in families
        and CATALOG.hosts[operations[name].host_prefix or ""] != CATALOG.plane_of(binding.family)
    }
    assert wrong == {}


def test_the_catalog_names_every_event_a_plane_built_on_need_reacts_to() -> None:
    for plane in CATALOG.planes:
        if plane in CATALOG.eager:
            continue
        reacted = {
            class_key(event)
            for family in CATALOG.classes(plane)
            for _, events in marked_methods(family)
            for event in events
        }
        declared = {event for event, owner in CATALOG.reactions.items() if owner == plane}
        assert declared == reacted, plane


# -- planes built late --------------------------------------------------------------------

WDL = """version 1.0
workflow align {
  input {
    File reads
  }
}
"""
READ_SET = "omics://123456789012.storage.us-east-1.amazonaws.com/1234567890/readSet/1234567890"


def test_a_run_asking_after_a_read_set_builds_the_storage_plane_to_answer(
    omics: Any, omics_mock: Any
) -> None:
    omics_mock.settings.storage.storage_uri_failure = "start"
    workflow = omics.create_workflow(name="align", definitionZip=zip_bytes({"main.wdl": WDL}))
    omics.get_waiter("workflow_active").wait(id=workflow["id"])
    with pytest.raises(ClientError) as excinfo:
        omics.start_run(
            workflowId=workflow["id"], roleArn=ROLE, outputUri=OUT, parameters={"reads": READ_SET}
        )
    code, _, message = error_of(excinfo)
    assert code == "ValidationException"
    assert "Read set 1234567890 not found" in message


CALLS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("list_sequence_stores", {}),
    ("list_variant_stores", {}),
    ("list_runs", {}),
    ("list_references", {"referenceStoreId": "1234567890"}),
)


def test_threads_building_planes_at_once_build_each_plane_once() -> None:
    with mock_omics() as mock:
        clients = [omics_client_for("us-east-1") for _ in CALLS]
        start = threading.Barrier(len(CALLS))
        failures: list[BaseException] = []

        def call(client: Any, operation: str, kwargs: dict[str, Any]) -> None:
            try:
                start.wait()
                for _ in range(5):
                    with contextlib.suppress(ClientError):  # no such reference store
                        getattr(client, operation)(**kwargs)
            except BaseException as error:  # reported below
                failures.append(error)

        threads = [
            threading.Thread(target=call, args=(client, *entry))
            for client, entry in zip(clients, CALLS, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        backend = mock._door.state.backend()
        assert backend._built == set(CATALOG.planes)
        eager = ServiceState(CATALOG.all_classes()).backend()
        assert [type(f) for f in backend.families()] == [type(f) for f in eager.families()]
        assert subscriptions(backend) == subscriptions(eager)


def subscriptions(backend: Backend) -> dict[type, list[str]]:
    """Each event type's reactions, by family and method, in order."""
    return {
        kind: [f"{type(r.__self__).__name__}.{r.__name__}" for r in reactions]
        for kind, reactions in backend.events._reactions.items()
    }


def test_operation_specs_are_built_at_their_first_lookup_and_answer_for_all() -> None:
    from omics_mock.wire.model import OperationSpecs

    model = service_spec().service_model
    specs = OperationSpecs(model, {})
    names = list(model.operation_names)
    assert len(specs) == len(names) == 107 and list(specs) == names
    assert "GetRun" in specs and "GetRunLater" not in specs
    assert dict.__len__(specs) == 0  # nothing built by asking
    assert specs["GetRun"].uri == "/run/{id}" and specs.get("GetRun") is specs["GetRun"]
    assert dict.__len__(specs) == 1
    assert specs.get("GetRunLater") is None
    with pytest.raises(KeyError):
        specs["GetRunLater"]
    assert sorted(spec.name for spec in specs.values()) == sorted(names)
