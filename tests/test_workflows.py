"""Workflows through a real boto3 client: lifecycle, definitions, listing, limits."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError, WaiterError
from botocore.model import Shape

from omics_mock.pytest_plugin import omics_client_for

from .helpers import error_of, wdl_zip, zip_bytes

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
R2R_ID = "9500764"  # a READY2RUN workflow of the default catalogue
REPOSITORY = {
    "connectionArn": "arn:aws:codeconnections:us-east-1:123456789012:connection/abc-123",
    "fullRepositoryId": "my-org/my-pipeline",
    "sourceReference": {"type": "BRANCH", "value": "main"},
    "excludeFilePatterns": ["tests/*"],
}
WDL_WITH_CALLS = """version 1.0
# a workflow comment mentioning workflow things
task align {
  input { File reads  Int cpu = 2 }
  command { echo }
}
workflow germline {
  input {
    File reads
    String? label
    Array[File]+ intervals
  }
  parameter_meta {
    reads: "FASTQ reads"
    intervals: { description: "Interval lists", help: "ignored" }
  }
  call align { input: reads = reads }
  call align as again { input: reads = reads }
}
task report { command { echo } }
"""


# -- output shapes, checked on the raw JSON the mock sends -------------------------


def record_raw_bodies(omics: Any) -> dict[str, tuple[int, bytes]]:
    """Start recording the last (status, body) the mock answers, per operation."""
    bodies: dict[str, tuple[int, bytes]] = {}

    def record(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        bodies[operation_model.name] = (response_dict["status_code"], response_dict["body"])

    omics.meta.events.register("before-parse.omics", record)
    return bodies


@pytest.fixture
def raw(omics: Any) -> dict[str, tuple[int, bytes]]:
    """The raw answers of the ``omics`` client, for ``assert_output_shape``."""
    return record_raw_bodies(omics)


def assert_output_shape(omics: Any, raw: dict[str, tuple[int, bytes]], operation: str) -> None:
    """The last answer of ``operation`` has the model's status and output shape:
    only modelled member names, JSON types of the member types, enum values."""
    model = omics.meta.service_model.operation_model(operation)
    status, body = raw[operation]
    assert status == model.http.get("responseCode", 200)
    if model.output_shape is None or not model.output_shape.members:
        assert body in (b"", b"{}")
        return
    problems: list[str] = []
    _check(model.output_shape, json.loads(body), operation, problems)
    assert problems == []


def _check(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: not an object")
            return
        for name in set(value) - set(shape.members):
            problems.append(f"{path}.{name}: not in {shape.name}")
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required")
        for name, item in value.items():
            if name in shape.members:
                _check(shape.members[name], item, f"{path}.{name}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: not a list")
        else:
            for index, item in enumerate(value):
                _check(shape.member, item, f"{path}[{index}]", problems)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: not a map")
        else:
            for key, item in value.items():
                _check(shape.value, item, f"{path}.{key}", problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: not a string")
        elif shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value} not in {shape.enum}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{path}: not an integer")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: not a boolean")
    elif kind == "timestamp":
        try:
            _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{path}: not an iso8601 timestamp")


def zipped(files: Mapping[str, str | bytes]) -> bytes:
    """``zip_bytes`` for any mapping of names to contents."""
    return zip_bytes(dict(files))


def no_validation_client() -> Any:
    """A client that sends what it is given, as callers with validation off do."""
    return omics_client_for("us-east-1", config=Config(parameter_validation=False))


def create(omics: Any, **kwargs: Any) -> str:
    """The id of a new workflow; ``definitionZip=None`` leaves the zip out."""
    kwargs.setdefault("definitionZip", wdl_zip())
    return str(omics.create_workflow(**{k: v for k, v in kwargs.items() if v is not None})["id"])


def failed_message(omics: Any, workflow_id: str) -> str:
    workflow = omics.get_workflow(id=workflow_id)
    assert workflow["status"] == "FAILED"
    return str(workflow["statusMessage"])


# -- lifecycle ---------------------------------------------------------------------------


def test_create_workflow_answers_201_creating_with_arn_uuid_and_tags(omics: Any, raw: Any) -> None:
    created = omics.create_workflow(name="wgs", definitionZip=wdl_zip())
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["status"] == "CREATING"
    assert created["arn"] == f"arn:aws:omics:us-east-1:123456789012:workflow/{created['id']}"
    assert UUID.fullmatch(created["uuid"])
    assert created["tags"] == {}
    assert_output_shape(omics, raw, "CreateWorkflow")


def test_workflow_ids_are_seven_digits(omics: Any) -> None:
    ids = {create(omics) for _ in range(5)}
    assert len(ids) == 5 and all(len(i) == 7 and i.isdigit() for i in ids)


def test_workflow_is_active_by_the_next_request(omics: Any) -> None:
    assert omics.get_workflow(id=create(omics))["status"] == "ACTIVE"


def test_get_workflow_describes_the_definition(omics: Any, raw: Any) -> None:
    workflow_id = create(
        omics,
        name="germline",
        description="Germline calling",
        definitionZip=zipped({"main.wdl": WDL_WITH_CALLS}),
        storageType="STATIC",
        storageCapacity=2400,
        accelerators="GPU",
    )
    got = omics.get_workflow(id=workflow_id)
    expected_digest = "sha256:" + hashlib.sha256(zipped({"main.wdl": WDL_WITH_CALLS})).hexdigest()
    assert (got["name"], got["description"], got["type"]) == (
        "germline",
        "Germline calling",
        "PRIVATE",
    )
    assert (got["engine"], got["main"], got["digest"]) == ("WDL", "main.wdl", expected_digest)
    assert (got["storageType"], got["storageCapacity"], got["accelerators"]) == (
        "STATIC",
        2400,
        "GPU",
    )
    assert isinstance(got["creationTime"], _dt.datetime)
    assert "definition" not in got and "readme" not in got
    assert_output_shape(omics, raw, "GetWorkflow")


def test_active_wdl_workflow_status_message_outlines_the_workflow(omics: Any) -> None:
    workflow_id = create(omics, definitionZip=zipped({"main.wdl": WDL_WITH_CALLS}))
    assert omics.get_workflow(id=workflow_id)["statusMessage"] == (
        "main.wdl\n    workflow germline\n        call align\n        call align\n"
        "    task align\n    task report\n"
    )


def test_creating_lasts_the_configured_virtual_time(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.durations.workflow_creating = _dt.timedelta(seconds=10)
    workflow_id = create(omics)
    assert omics.get_workflow(id=workflow_id)["status"] == "CREATING"
    omics_mock.clock.advance(seconds=10)
    assert omics.get_workflow(id=workflow_id)["status"] == "ACTIVE"


def test_workflow_active_waiter_retries_while_creating_then_succeeds(
    omics: Any, omics_mock: Any
) -> None:
    omics_mock.settings.durations.workflow_creating = _dt.timedelta(seconds=10)
    workflow_id = create(omics)
    omics.get_waiter("workflow_active").wait(id=workflow_id)
    polls = [r for r in omics_mock.calls("GetWorkflow") if r.params["id"] == workflow_id]
    assert len(polls) == 5  # 0, 3, 6, 9 s: CREATING; 12 s: ACTIVE
    assert omics.get_workflow(id=workflow_id)["status"] == "ACTIVE"


def test_workflow_active_waiter_gives_up_when_creation_outlasts_it(
    omics: Any, omics_mock: Any
) -> None:
    omics_mock.settings.durations.workflow_creating = _dt.timedelta(minutes=5)
    workflow_id = create(omics)
    with pytest.raises(WaiterError, match="Max attempts exceeded"):
        omics.get_waiter("workflow_active").wait(id=workflow_id)


def test_workflow_active_waiter_fails_on_failed_workflow(omics: Any) -> None:
    workflow_id = create(omics, definitionZip=zipped({"notes.txt": "x"}))
    with pytest.raises(WaiterError, match="FAILED"):
        omics.get_waiter("workflow_active").wait(id=workflow_id)


def test_unknown_workflow_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id="1234567")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "Workflow 1234567 not found")


# -- definition sources ----------------------------------------------------------------


def test_not_a_zip_is_a_validation_error(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow(name="bad", definitionZip=b"not a zip")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "definitionZip is not a valid zip archive" in message


@pytest.mark.parametrize(
    "sources",
    [{}, {"definitionZip": wdl_zip(), "definitionUri": "s3://bucket/wf.zip"}],
    ids=["none", "two"],
)
def test_exactly_one_definition_source_is_required(omics: Any, sources: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow(name="x", **sources)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "exactly one of definitionZip, definitionUri or definitionRepository" in message


def test_definition_over_the_size_limit_is_a_validation_error(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.quotas.max_definition_bytes = 100
    with pytest.raises(ClientError) as excinfo:
        create(omics)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert "maximum is 100 bytes" in error_of(excinfo)[2]


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({}, "archive is empty"),
        ({"notes.txt": "x"}, "No workflow definition file"),
        (
            {"a.wdl": "workflow a {}", "b.wdl": "workflow b {}"},
            "several workflow files (a.wdl, b.wdl)",
        ),
        ({"main.txt": "x", "other.txt": "y"}, "No workflow definition file"),
    ],
    ids=["empty", "no-definition", "ambiguous-main", "unknown-extension"],
)
def test_unusable_definition_fails_with_a_status_message(
    omics: Any, files: dict[str, str], problem: str
) -> None:
    created = omics.create_workflow(definitionZip=zipped(files))
    assert created["status"] == "CREATING"
    assert problem in failed_message(omics, created["id"])


def test_main_chooses_among_several_definition_files(omics: Any) -> None:
    files = {"a.wdl": "workflow a { input { Int x } }", "b.wdl": "workflow b { input { Int y } }"}
    got = omics.get_workflow(id=create(omics, definitionZip=zipped(files), main="b.wdl"))
    assert (got["status"], got["main"], list(got["parameterTemplate"])) == (
        "ACTIVE",
        "b.wdl",
        ["y"],
    )


def test_main_that_is_not_in_the_archive_fails(omics: Any) -> None:
    workflow_id = create(omics, main="missing.wdl")
    assert "missing.wdl was not found" in failed_message(omics, workflow_id)


def test_main_with_unknown_extension_needs_an_engine(omics: Any) -> None:
    files = {"pipeline.txt": "workflow w {}"}
    workflow_id = create(omics, definitionZip=zipped(files), main="pipeline.txt")
    assert "specify engine" in failed_message(omics, workflow_id)
    fixed = create(omics, definitionZip=zipped(files), main="pipeline.txt", engine="WDL")
    assert omics.get_workflow(id=fixed)["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("files", "main"),
    [
        ({"main.wdl": "workflow m {}", "tasks/align.wdl": "task t {}"}, "main.wdl"),
        (
            {"pipeline/main.wdl": "workflow m {}", "pipeline/lib.wdl": "task t {}"},
            "pipeline/main.wdl",
        ),
        ({"wf/only.wdl": "workflow m {}", "wf/README.md": "x"}, "wf/only.wdl"),
        ({"main.wdl": "workflow m {}", "other.wdl": "workflow o {}"}, "main.wdl"),
    ],
    ids=["top-level-over-nested", "named-main-in-folder", "single-nested", "named-main"],
)
def test_main_is_found_without_being_named(omics: Any, files: dict[str, str], main: str) -> None:
    got = omics.get_workflow(id=create(omics, definitionZip=zipped(files)))
    assert (got["status"], got["main"]) == ("ACTIVE", main)


@pytest.mark.parametrize(
    ("name", "content", "engine"),
    [
        ("main.wdl", "workflow w {}", "WDL"),
        ("main.nf", "workflow { }", "NEXTFLOW"),
        ("main.cwl", "cwlVersion: v1.2\nclass: Workflow\ninputs: {}\n", "CWL"),
    ],
)
def test_engine_is_detected_from_the_main_file(
    omics: Any, name: str, content: str, engine: str
) -> None:
    got = omics.get_workflow(id=create(omics, definitionZip=zipped({name: content})))
    assert (got["status"], got["engine"]) == ("ACTIVE", engine)


def test_engine_picks_its_language_among_mixed_files(omics: Any) -> None:
    files = {"main.wdl": "workflow w {}", "main.nf": "params.x = 1\n"}
    assert "several workflow files" in failed_message(
        omics, create(omics, definitionZip=zipped(files))
    )
    got = omics.get_workflow(id=create(omics, definitionZip=zipped(files), engine="NEXTFLOW"))
    assert (got["status"], got["engine"], got["main"]) == ("ACTIVE", "NEXTFLOW", "main.nf")


def test_wdl_lenient_engine_is_kept(omics: Any) -> None:
    got = omics.get_workflow(id=create(omics, engine="WDL_LENIENT"))
    assert (got["status"], got["engine"]) == ("ACTIVE", "WDL_LENIENT")


# -- parameter templates -------------------------------------------------------------


def test_parameter_template_is_derived_from_wdl_inputs(omics: Any, workflow: str) -> None:
    assert omics.get_workflow(id=workflow)["parameterTemplate"] == {
        "sample": {"description": "", "optional": False},
        "reference": {"description": "", "optional": True},
        "threads": {"description": "", "optional": True},
    }


def test_wdl_template_takes_descriptions_from_parameter_meta(omics: Any) -> None:
    workflow_id = create(omics, definitionZip=zipped({"main.wdl": WDL_WITH_CALLS}))
    assert omics.get_workflow(id=workflow_id)["parameterTemplate"] == {
        "reads": {"description": "FASTQ reads", "optional": False},
        "label": {"description": "", "optional": True},
        "intervals": {"description": "Interval lists", "optional": False},
    }


def test_draft2_wdl_template_comes_from_workflow_declarations(omics: Any) -> None:
    source = (
        "workflow old {\n  File bam\n  Int? shards\n  String tag = 'x'\n  call t\n}\n"
        "task t { Int z }\n"
    )
    template = omics.get_workflow(id=create(omics, definitionZip=zipped({"main.wdl": source})))[
        "parameterTemplate"
    ]
    assert {name: spec["optional"] for name, spec in template.items()} == {
        "bam": False,
        "shards": True,
        "tag": True,
    }


def test_nextflow_template_comes_from_assigned_params(omics: Any) -> None:
    files = {
        "main.nf": "params.reads = null\nparams.genome = 'hg38'\nif (params.reads == 1) {}\n",
        "nextflow.config": "params {\n  outdir = 'results'\n  nested { x = 1 }\n}\n",
    }
    template = omics.get_workflow(id=create(omics, definitionZip=zipped(files)))[
        "parameterTemplate"
    ]
    assert template == {
        name: {"description": "", "optional": True} for name in ("reads", "genome", "outdir")
    }


def test_nextflow_schema_decides_required_parameters(omics: Any) -> None:
    schema = {
        "definitions": {
            "io": {
                "required": ["input"],
                "properties": {
                    "input": {"description": "Samplesheet"},
                    "outdir": {"default": "out"},
                },
            }
        },
        "properties": {"verbose": {"type": "boolean"}},
    }
    files = {"main.nf": "params.ignored = 1\n", "nextflow_schema.json": json.dumps(schema)}
    template = omics.get_workflow(id=create(omics, definitionZip=zipped(files)))[
        "parameterTemplate"
    ]
    assert template == {
        "verbose": {"description": "", "optional": True},
        "input": {"description": "Samplesheet", "optional": False},
        "outdir": {"description": "", "optional": True},
    }


def test_nextflow_profiles_are_listed_with_their_templates(omics: Any) -> None:
    config = (
        "params.a = 1\nprofiles {\n  test { params.small = true }\n"
        "  docker { docker.enabled = true }\n}\n"
    )
    files = {"main.nf": "workflow {}", "nextflow.config": config}
    got = omics.get_workflow(id=create(omics, definitionZip=zipped(files)))
    assert got["profiles"] == ["test", "docker"]
    assert set(got["profileParameterTemplates"]["test"]) == {"a", "small"}
    assert set(got["profileParameterTemplates"]["docker"]) == {"a"}
    assert set(got["parameterTemplate"]) == {"a"}


@pytest.mark.parametrize(
    "source",
    [
        "cwlVersion: v1.2\nclass: Workflow\ninputs:\n  reads:\n    type: File\n    label: Reads\n"
        "  threads:\n    type: int\n    default: 4\n  tag: string?\n"
        "  extra:\n    type: ['null', File]\noutputs: {}\nsteps: {}\n",
        json.dumps(
            {
                "cwlVersion": "v1.2",
                "class": "Workflow",
                "inputs": [
                    {"id": "#main/reads", "type": "File", "label": "Reads"},
                    {"id": "threads", "type": "int", "default": 4},
                    {"id": "tag", "type": "string?"},
                    {"id": "extra", "type": ["null", "File"]},
                ],
            }
        ),
    ],
    ids=["yaml", "json"],
)
def test_cwl_template_comes_from_inputs(omics: Any, source: str) -> None:
    template = omics.get_workflow(id=create(omics, definitionZip=zipped({"main.cwl": source})))[
        "parameterTemplate"
    ]
    assert template == {
        "reads": {"description": "Reads", "optional": False},
        "threads": {"description": "", "optional": True},
        "tag": {"description": "", "optional": True},
        "extra": {"description": "", "optional": True},
    }


def test_given_parameter_template_wins(omics: Any) -> None:
    given = {"sample": {"description": "Sample id", "optional": False}}
    assert (
        omics.get_workflow(id=create(omics, parameterTemplate=given))["parameterTemplate"] == given
    )


def test_parameter_template_path_reads_the_template_from_the_archive(omics: Any) -> None:
    template = {"sample": {"description": "Sample", "optional": False}, "x": {"description": "X"}}
    files = {"main.wdl": "workflow w {}", "config/params.json": json.dumps(template)}
    workflow_id = create(
        omics, definitionZip=zipped(files), parameterTemplatePath="config/params.json"
    )
    assert omics.get_workflow(id=workflow_id)["parameterTemplate"] == template


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "params.json was not found"), ("[1, 2]", "is not valid"), ("{oops", "is not valid")],
    ids=["missing", "not-an-object", "not-json"],
)
def test_unusable_parameter_template_path_fails(
    omics: Any, content: str | None, problem: str
) -> None:
    files = {"main.wdl": "workflow w {}"} | ({"params.json": content} if content else {})
    workflow_id = create(omics, definitionZip=zipped(files), parameterTemplatePath="params.json")
    assert problem in failed_message(omics, workflow_id)


def test_template_and_template_path_together_are_a_validation_error(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(omics, parameterTemplate={"a": {}}, parameterTemplatePath="params.json")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert "at most one of parameterTemplate or parameterTemplatePath" in error_of(excinfo)[2]


def test_over_long_parameter_description_names_the_template_member(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(omics, parameterTemplate={"joint": {"description": "d" * 257}})
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "at 'parameterTemplate.joint.member.description' failed to satisfy constraint" in message


# -- definitionUri, README and registry map sources ----------------------------------


def test_definition_uri_reads_an_object_put_through_the_control_api(
    omics: Any, omics_mock: Any
) -> None:
    omics_mock.s3.put_object("s3://pipelines/wgs.zip", wdl_zip())
    got = omics.get_workflow(
        id=create(omics, definitionZip=None, definitionUri="s3://pipelines/wgs.zip")
    )
    assert (got["status"], got["main"]) == ("ACTIVE", "main.wdl")
    assert got["digest"] == "sha256:" + hashlib.sha256(wdl_zip()).hexdigest()
    assert set(got["parameterTemplate"]) == {"sample", "reference", "threads"}


def test_definition_uri_to_a_missing_key_of_a_known_bucket_is_a_validation_error(
    omics: Any, omics_mock: Any
) -> None:
    omics_mock.s3.put_object("s3://pipelines/other.zip", wdl_zip())
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow(definitionUri="s3://pipelines/wgs.zip")
    assert error_of(excinfo) == (
        "ValidationException",
        400,
        "Unable to read the definitionUri s3://pipelines/wgs.zip: the object does not exist.",
    )


def test_definition_uri_that_is_not_a_zip_is_a_validation_error(
    omics: Any, omics_mock: Any
) -> None:
    omics_mock.s3.put_object("s3://pipelines/wgs.wdl", "workflow w {}")
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow(definitionUri="s3://pipelines/wgs.wdl")
    assert "definitionUri is not a valid zip archive" in error_of(excinfo)[2]


def test_definition_uri_must_name_an_s3_object(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow(definitionUri="https://example.com/wgs.zip")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert "s3://bucket/key" in error_of(excinfo)[2]


def test_definition_uri_with_no_s3_source_is_recorded_unread(omics: Any) -> None:
    uri = "s3://nobody-knows/wgs.zip"
    got = omics.get_workflow(id=create(omics, definitionZip=None, definitionUri=uri, engine="WDL"))
    assert (got["status"], got["engine"]) == ("ACTIVE", "WDL")
    assert got["digest"] == "sha256:" + hashlib.sha256(uri.encode()).hexdigest()
    assert "parameterTemplate" not in got and "main" not in got


class TestMotoS3:
    """definitionUri read from moto's S3 under ``moto.mock_aws``."""

    @pytest.fixture(autouse=True)
    def s3(self, omics_mock: Any) -> Any:
        import boto3
        from moto import mock_aws

        with mock_aws():
            client = boto3.client("s3", region_name="us-east-1")
            client.create_bucket(Bucket="pipelines")
            yield client

    def test_definition_uri_reads_moto_s3(self, omics: Any, s3: Any) -> None:
        bundle = wdl_zip()  # once: a zip's bytes hold the time it was made
        s3.put_object(Bucket="pipelines", Key="wgs.zip", Body=bundle)
        got = omics.get_workflow(
            id=create(omics, definitionZip=None, definitionUri="s3://pipelines/wgs.zip")
        )
        assert (got["status"], got["main"]) == ("ACTIVE", "main.wdl")
        assert got["digest"] == "sha256:" + hashlib.sha256(bundle).hexdigest()

    @pytest.mark.parametrize(
        ("uri", "reason"),
        [
            ("s3://pipelines/missing.zip", "the object does not exist"),
            ("s3://no-bucket/wgs.zip", "the bucket does not exist"),
        ],
    )
    def test_missing_moto_object_is_a_validation_error(
        self, omics: Any, uri: str, reason: str
    ) -> None:
        with pytest.raises(ClientError) as excinfo:
            omics.create_workflow(definitionUri=uri)
        assert error_of(excinfo) == (
            "ValidationException",
            400,
            f"Unable to read the definitionUri {uri}: {reason}.",
        )

    def test_bucket_in_another_region_is_a_validation_error(self, omics: Any, s3: Any) -> None:
        s3.create_bucket(
            Bucket="eu-pipelines", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        s3.put_object(Bucket="eu-pipelines", Key="wgs.zip", Body=wdl_zip())
        with pytest.raises(ClientError) as excinfo:
            omics.create_workflow(definitionUri="s3://eu-pipelines/wgs.zip")
        assert "must be in the same Region as the workflow (us-east-1)" in error_of(excinfo)[2]

    def test_readme_uri_reads_moto_s3(self, omics: Any, s3: Any) -> None:
        s3.put_object(Bucket="pipelines", Key="README.md", Body=b"# From moto")
        url = omics.get_workflow(
            id=create(omics, readmeUri="s3://pipelines/README.md"), export=["README"]
        )["readme"]
        assert requests.get(url, timeout=5).text == "# From moto"


def test_definition_repository_is_echoed_as_details(omics: Any, raw: Any) -> None:
    workflow_id = create(
        omics,
        definitionZip=None,
        definitionRepository=REPOSITORY,
        engine="NEXTFLOW",
        readmePath="docs/README.md",
    )
    got = omics.get_workflow(id=workflow_id, export=["DEFINITION"])
    assert got["definitionRepositoryDetails"] == {
        "connectionArn": REPOSITORY["connectionArn"],
        "fullRepositoryId": "my-org/my-pipeline",
        "sourceReference": {"type": "BRANCH", "value": "main"},
        "providerType": "GitHub",
    }
    assert (got["status"], got["engine"], got["readmePath"]) == (
        "ACTIVE",
        "NEXTFLOW",
        "docs/README.md",
    )
    assert got["digest"].startswith("sha256:") and "definition" not in got
    assert_output_shape(omics, raw, "GetWorkflow")


def test_definition_repository_needs_a_connection_arn(omics: Any) -> None:
    bad = dict(REPOSITORY, connectionArn="arn:aws:codeconnections:us-east-1:1234:connection/x")
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow(definitionRepository=bad)
    assert (
        "at 'definitionRepository.connectionArn' failed to satisfy constraint"
        in error_of(excinfo)[2]
    )


def test_readme_comes_from_the_archive_or_readme_path(omics: Any) -> None:
    files = {"main.wdl": "workflow w {}", "README.md": "# Root", "docs/USAGE.md": "# Usage"}
    root = create(omics, definitionZip=zipped(files))
    chosen = create(omics, definitionZip=zipped(files), readmePath="docs/USAGE.md")
    for workflow_id, text in ((root, "# Root"), (chosen, "# Usage")):
        url = omics.get_workflow(id=workflow_id, export=["README"])["readme"]
        assert requests.get(url, timeout=5).text == text


def test_readme_uri_reads_an_object_put_through_the_control_api(
    omics: Any, omics_mock: Any
) -> None:
    omics_mock.s3.put_object("s3://docs/wgs.md", "# WGS")
    url = omics.get_workflow(id=create(omics, readmeUri="s3://docs/wgs.md"), export=["README"])[
        "readme"
    ]
    assert requests.get(url, timeout=5).text == "# WGS"


@pytest.mark.parametrize(
    "extra",
    [
        {"readmeMarkdown": "# A", "readmeUri": "s3://docs/a.md"},
        {"readmeMarkdown": "# A", "readmePath": "README.md"},
        {
            "containerRegistryMap": {"imageMappings": []},
            "containerRegistryMapUri": "s3://m/map.json",
        },
    ],
    ids=["markdown-and-uri", "markdown-and-path", "registry-map-twice"],
)
def test_two_sources_of_one_thing_are_a_validation_error(omics: Any, extra: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(omics, **extra)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert "Specify at most one of" in error_of(excinfo)[2]


def test_readme_over_500_kib_is_a_validation_error(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(omics, readmeMarkdown="x" * (500 * 1024 + 1))
    assert "the maximum is 512000 bytes" in error_of(excinfo)[2]


def test_container_registry_map_is_echoed_or_read_from_s3(omics: Any, omics_mock: Any) -> None:
    registry_map = {
        "registryMappings": [
            {"upstreamRegistryUrl": "registry-1.docker.io", "ecrRepositoryPrefix": "docker-hub"}
        ],
        "imageMappings": [
            {
                "sourceImage": "ubuntu:22.04",
                "destinationImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/ubuntu:22.04",
            }
        ],
    }
    given = create(omics, containerRegistryMap=registry_map)
    omics_mock.s3.put_object("s3://maps/map.json", json.dumps(registry_map))
    read = create(omics, containerRegistryMapUri="s3://maps/map.json")
    for workflow_id in (given, read):
        assert omics.get_workflow(id=workflow_id)["containerRegistryMap"] == registry_map


def test_registry_map_file_that_is_not_json_is_a_validation_error(
    omics: Any, omics_mock: Any
) -> None:
    omics_mock.s3.put_object("s3://maps/map.json", "not json")
    with pytest.raises(ClientError) as excinfo:
        create(omics, containerRegistryMapUri="s3://maps/map.json")
    assert "is not valid JSON" in error_of(excinfo)[2]


# -- exports ------------------------------------------------------------------------------


def test_export_definition_and_readme_give_download_urls(omics: Any, raw: Any) -> None:
    workflow_id = create(omics, readmeMarkdown="# Hello")
    got = omics.get_workflow(id=workflow_id, export=["DEFINITION", "README"])
    assert_output_shape(omics, raw, "GetWorkflow")
    assert len(got["definition"]) <= 256 and len(got["readme"]) <= 256
    definition = requests.get(got["definition"], timeout=5)
    assert (definition.status_code, definition.content) == (200, wdl_zip())
    assert requests.get(got["readme"], timeout=5).text == "# Hello"


def test_export_readme_without_a_readme_has_no_url(omics: Any, workflow: str) -> None:
    assert "readme" not in omics.get_workflow(id=workflow, export=["README"])


def test_unknown_export_is_a_validation_error(omics: Any, workflow: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id=workflow, export=["PDF"])
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert "[DEFINITION, README]" in error_of(excinfo)[2]


# -- listing ------------------------------------------------------------------------------


def test_list_workflows_items_are_workflow_list_items(omics: Any, workflow: str, raw: Any) -> None:
    items = omics.list_workflows()["items"]
    assert_output_shape(omics, raw, "ListWorkflows")
    assert [item["id"] for item in items] == [workflow]
    assert set(items[0]) == {"arn", "id", "name", "status", "type", "digest", "creationTime"}


def test_list_workflows_pages_with_opaque_tokens(omics: Any) -> None:
    for index in range(7):
        create(omics, name=f"wf-{index}")
    first = omics.list_workflows(maxResults=3)
    assert len(first["items"]) == 3 and first["nextToken"]
    second = omics.list_workflows(maxResults=3, startingToken=first["nextToken"])
    third = omics.list_workflows(maxResults=3, startingToken=second["nextToken"])
    assert (len(second["items"]), len(third["items"])) == (3, 1) and "nextToken" not in third
    names = [i["name"] for page in (first, second, third) for i in page["items"]]
    assert sorted(names) == [f"wf-{i}" for i in range(7)]


def test_exactly_full_last_page_has_no_token(omics: Any) -> None:
    for _ in range(4):
        create(omics)
    page = omics.list_workflows(maxResults=2)
    assert "nextToken" not in omics.list_workflows(maxResults=2, startingToken=page["nextToken"])


def test_list_workflows_paginator_builds_the_full_result(omics: Any) -> None:
    ids = {create(omics) for _ in range(5)}
    result = (
        omics.get_paginator("list_workflows")
        .paginate(PaginationConfig={"PageSize": 2})
        .build_full_result()
    )
    assert {item["id"] for item in result["items"]} == ids and "NextToken" not in result


@pytest.mark.parametrize(
    ("max_results", "bound"),
    [(0, "greater than or equal to 1"), (101, "less than or equal to 100")],
)
def test_max_results_outside_1_to_100_is_a_validation_error(
    omics: Any, max_results: int, bound: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_validation_client().list_workflows(maxResults=max_results)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert (
        f"at 'maxResults' failed to satisfy constraint: Member must have value {bound}"
        in error_of(excinfo)[2]
    )


def test_foreign_page_token_is_a_validation_error(omics: Any) -> None:
    for _ in range(2):
        create(omics)
    token = omics.list_workflows(maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as excinfo:
        omics.list_workflows(type="READY2RUN", startingToken=token)
    assert error_of(excinfo) == (
        "ValidationException",
        400,
        f"The pagination token '{token}' is not valid.",
    )


def test_list_workflows_filters_by_name(omics: Any) -> None:
    create(omics, name="keep")
    create(omics, name="other")
    assert [i["name"] for i in omics.list_workflows(name="keep")["items"]] == ["keep"]


@pytest.mark.parametrize("listed_type", [None, "PRIVATE"])
def test_list_without_ready2run_type_has_private_workflows_only(
    omics: Any, workflow: str, listed_type: str | None
) -> None:
    items = omics.list_workflows(**({"type": listed_type} if listed_type else {}))["items"]
    assert [(i["id"], i["type"]) for i in items] == [(workflow, "PRIVATE")]


def test_failed_and_creating_workflows_are_listed_with_their_status(
    omics: Any, omics_mock: Any
) -> None:
    failed = create(omics, definitionZip=zipped({"x.txt": "x"}))
    omics.get_workflow(id=failed)
    omics_mock.settings.durations.workflow_creating = _dt.timedelta(minutes=1)
    creating = create(omics)
    statuses = {i["id"]: i["status"] for i in omics.list_workflows()["items"]}
    assert statuses == {failed: "FAILED", creating: "CREATING"}


# -- update ------------------------------------------------------------------------------


def test_update_workflow_changes_what_the_service_allows(
    omics: Any, workflow: str, raw: Any
) -> None:
    response = omics.update_workflow(
        id=workflow,
        name="renamed",
        description="new",
        storageType="DYNAMIC",
        storageCapacity=0,
        readmeMarkdown="# R",
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_output_shape(omics, raw, "UpdateWorkflow")
    got = omics.get_workflow(id=workflow, export=["README"])
    assert (got["name"], got["description"], got["storageType"], got["storageCapacity"]) == (
        "renamed",
        "new",
        "DYNAMIC",
        0,
    )
    assert requests.get(got["readme"], timeout=5).text == "# R"


def test_update_passes_through_updating_and_the_waiter_waits(
    omics: Any, omics_mock: Any, workflow: str
) -> None:
    omics_mock.settings.durations.workflow_updating = _dt.timedelta(seconds=5)
    omics.update_workflow(id=workflow, description="new")
    assert omics.get_workflow(id=workflow)["status"] == "UPDATING"
    omics.get_waiter("workflow_active").wait(id=workflow)
    assert omics.get_workflow(id=workflow)["status"] == "ACTIVE"


def test_update_of_a_creating_workflow_is_a_conflict(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.durations.workflow_creating = _dt.timedelta(minutes=1)
    workflow_id = create(omics)
    with pytest.raises(ClientError) as excinfo:
        omics.update_workflow(id=workflow_id, name="x")
    assert error_of(excinfo) == (
        "ConflictException",
        409,
        f"Workflow {workflow_id} cannot be updated while it is CREATING.",
    )


# -- delete ------------------------------------------------------------------------------


def test_delete_workflow_then_get_and_list_do_not_find_it(
    omics: Any, workflow: str, raw: Any
) -> None:
    response = omics.delete_workflow(id=workflow)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_output_shape(omics, raw, "DeleteWorkflow")
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id=workflow)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Workflow {workflow} not found")
    assert omics.list_workflows()["items"] == []
    with pytest.raises(ClientError) as excinfo:
        omics.delete_workflow(id=workflow)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_failed_workflow_can_be_deleted(omics: Any) -> None:
    workflow_id = create(omics, definitionZip=zipped({"x.txt": "x"}))
    assert omics.get_workflow(id=workflow_id)["status"] == "FAILED"
    omics.delete_workflow(id=workflow_id)


@pytest.mark.parametrize("phase", ["creating", "updating"])
def test_delete_outside_active_or_failed_is_a_conflict(
    omics: Any, omics_mock: Any, phase: str
) -> None:
    durations = omics_mock.settings.durations
    if phase == "creating":
        durations.workflow_creating = _dt.timedelta(minutes=1)
        workflow_id = create(omics)
    else:
        durations.workflow_updating = _dt.timedelta(minutes=1)
        workflow_id = create(omics)
        omics.update_workflow(id=workflow_id, name="x")
    with pytest.raises(ClientError) as excinfo:
        omics.delete_workflow(id=workflow_id)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ConflictException", 409)
    assert f"while it is {phase.upper()}" in message


def test_delete_workflow_with_versions_is_a_conflict_until_they_are_deleted(
    omics: Any, workflow: str
) -> None:
    omics.create_workflow_version(workflowId=workflow, versionName="v2", definitionZip=wdl_zip())
    with pytest.raises(ClientError) as excinfo:
        omics.delete_workflow(id=workflow)
    assert error_of(excinfo) == (
        "ConflictException",
        409,
        f"Workflow {workflow} has 1 version(s); delete its versions before deleting the workflow.",
    )
    omics.delete_workflow_version(workflowId=workflow, versionName="v2")
    omics.delete_workflow(id=workflow)


# -- quotas and idempotency ---------------------------------------------------------------


def test_workflow_quota_is_a_service_quota_error(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.quotas.max_workflows = 2
    first, _ = create(omics), create(omics)
    with pytest.raises(ClientError) as excinfo:
        create(omics)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ServiceQuotaExceededException", 402)
    assert "maximum number of workflows (2)" in message
    omics.delete_workflow(id=first)
    create(omics)


def test_same_request_id_and_payload_returns_the_same_workflow(omics: Any) -> None:
    first = omics.create_workflow(name="a", definitionZip=wdl_zip(), requestId="req-1")
    again = omics.create_workflow(name="a", definitionZip=wdl_zip(), requestId="req-1")
    assert (again["id"], again["uuid"], again["status"]) == (first["id"], first["uuid"], "ACTIVE")
    assert len(omics.list_workflows()["items"]) == 1


def test_same_request_id_with_another_payload_is_a_conflict(omics: Any) -> None:
    omics.create_workflow(name="a", definitionZip=wdl_zip(), requestId="req-1")
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow(name="b", definitionZip=wdl_zip(), requestId="req-1")
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    assert "req-1" in error_of(excinfo)[2]


def test_idempotent_retry_is_not_stopped_by_the_quota(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.quotas.max_workflows = 1
    first = omics.create_workflow(definitionZip=wdl_zip(), requestId="req-1")
    assert omics.create_workflow(definitionZip=wdl_zip(), requestId="req-1")["id"] == first["id"]


# -- READY2RUN -----------------------------------------------------------------------------


def test_ready2run_catalogue_is_listed_with_its_type(omics: Any, raw: Any) -> None:
    listed = omics.list_workflows(type="READY2RUN")["items"]
    assert_output_shape(omics, raw, "ListWorkflows")
    assert listed and all(i["type"] == "READY2RUN" and i["status"] == "ACTIVE" for i in listed)
    assert all(i["arn"] == f"arn:aws:omics:us-east-1::workflow/{i['id']}" for i in listed)


def test_ready2run_workflow_is_found_with_its_type(omics: Any, raw: Any) -> None:
    got = omics.get_workflow(id=R2R_ID, type="READY2RUN")
    assert_output_shape(omics, raw, "GetWorkflow")
    assert (got["type"], got["status"], got["arn"]) == (
        "READY2RUN",
        "ACTIVE",
        f"arn:aws:omics:us-east-1::workflow/{R2R_ID}",
    )
    assert "tags" not in got and got["parameterTemplate"]


def test_ready2run_id_without_its_type_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id=R2R_ID)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Workflow {R2R_ID} not found")


def test_private_id_with_ready2run_type_is_not_found(omics: Any, workflow: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id=workflow, type="READY2RUN")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Workflow {workflow} not found")


@pytest.mark.parametrize(
    "change",
    [
        lambda omics: omics.update_workflow(id=R2R_ID, name="mine"),
        lambda omics: omics.delete_workflow(id=R2R_ID),
        lambda omics: omics.create_workflow_version(
            workflowId=R2R_ID, versionName="v9", definitionZip=wdl_zip()
        ),
    ],
    ids=["update", "delete", "version"],
)
def test_ready2run_workflows_cannot_be_changed(omics: Any, change: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        change(omics)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Workflow {R2R_ID} not found")


def test_ready2run_definition_cannot_be_exported(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id=R2R_ID, type="READY2RUN", export=["DEFINITION"])
    assert error_of(excinfo)[:2] == ("AccessDeniedException", 403)


def test_control_api_adds_ready2run_workflows(omics: Any, omics_mock: Any) -> None:
    omics_mock.ready2run.add("7777777", "My R2R", required=("input",), optional=("depth",))
    got = omics.get_workflow(id="7777777", type="READY2RUN")
    assert (got["name"], got["parameterTemplate"]["depth"]["optional"]) == ("My R2R", True)
    names = [i["name"] for i in omics.list_workflows(type="READY2RUN", name="My R2R")["items"]]
    assert names == ["My R2R"]


# -- bad inputs --------------------------------------------------------------------------------


BAD_CREATE_MEMBERS = [
    (dict(name="n" * 129), "name", "Member must have length less than or equal to 128"),
    (
        dict(description="d" * 257),
        "description",
        "Member must have length less than or equal to 256",
    ),
    (
        dict(engine="PYTHON"),
        "engine",
        "Member must satisfy enum value set: [WDL, NEXTFLOW, CWL, WDL_LENIENT]",
    ),
    (
        dict(storageType="FAST"),
        "storageType",
        "Member must satisfy enum value set: [STATIC, DYNAMIC]",
    ),
    (
        dict(storageCapacity=100001),
        "storageCapacity",
        "Member must have value less than or equal to 100000",
    ),
    (dict(accelerators="TPU"), "accelerators", "Member must satisfy enum value set: [GPU]"),
    (dict(main="m" * 129), "main", "Member must have length less than or equal to 128"),
    (
        dict(requestId="r" * 129),
        "requestId",
        "Member must have length less than or equal to 128",
    ),
    (
        dict(parameterTemplate={}),
        "parameterTemplate",
        "Member must have length greater than or equal to 1",
    ),
    (
        dict(workflowBucketOwnerId="12345"),
        "workflowBucketOwnerId",
        "Member must satisfy regular expression pattern: [0-9]{12}",
    ),
    (
        dict(readmeUri="https://x/readme.md"),
        "readmeUri",
        "Member must satisfy regular expression pattern",
    ),
]


@pytest.mark.parametrize(
    ("call", "path", "constraint"),
    BAD_CREATE_MEMBERS,
    ids=[path for _, path, _ in BAD_CREATE_MEMBERS],
)
def test_create_workflow_rejects_bad_members(
    omics: Any, call: dict[str, Any], path: str, constraint: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_validation_client().create_workflow(definitionZip=wdl_zip(), **call)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("1 validation error detected: Value ")
    assert f"at '{path}' failed to satisfy constraint: {constraint}" in message


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (dict(id="abc"), "id"),
        (dict(id="1" * 19), "id"),
        (dict(id="1234567", type="PUBLIC"), "type"),
    ],
)
def test_get_workflow_rejects_bad_members(omics: Any, call: dict[str, Any], path: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(**call)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert f"at '{path}' failed to satisfy constraint" in error_of(excinfo)[2]


def test_update_workflow_rejects_bad_members(omics: Any, workflow: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.update_workflow(id=workflow, name="n" * 129, storageType="FAST")
    code, _, message = error_of(excinfo)
    assert code == "ValidationException" and message.startswith("2 validation errors detected")
