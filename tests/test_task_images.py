"""GetRunTask ``imageDetails.image``: the container image the task's definition declares."""

from __future__ import annotations

from typing import Any

from .helpers import OUT, ROLE, zip_bytes

WDL = """version 1.0
workflow images {
  call align
  call sort
  call plain
}
task align {
  command {}
  runtime {
    docker: "123456789012.dkr.ecr.us-east-1.amazonaws.com/bwa:0.7.17"
    cpu: 4
  }
}
task sort {
  command {}
  runtime {
    container: ['public.ecr.aws/samtools:1.19', 'docker.io/samtools:1.19']
  }
}
task plain {
  String image = "x"
  command {}
  runtime {
    docker: "~{image}"
  }
}
"""

NEXTFLOW = """process ALIGN {
    container 'quay.io/biocontainers/bwa:0.7.17'
    cpus 4
    script: "bwa"
}
process SORT {
    script: "samtools sort"
}
workflow { ALIGN(); SORT() }
"""

NEXTFLOW_CONFIG = "process.container = 'public.ecr.aws/ubuntu:22.04'\n"

CWL = """cwlVersion: v1.2
class: Workflow
hints:
  DockerRequirement:
    dockerPull: public.ecr.aws/default:1
inputs: {}
outputs: {}
steps:
  align:
    run:
      class: CommandLineTool
      requirements:
        DockerRequirement:
          dockerPull: public.ecr.aws/bwa:2
      baseCommand: bwa
      inputs: {}
      outputs: {}
    in: {}
    out: []
  sort:
    run: tools/sort.cwl
    in: {}
    out: []
  report:
    run: tools/report.cwl
    in: {}
    out: []
"""

SORT_TOOL = """cwlVersion: v1.2
class: CommandLineTool
requirements:
  - class: DockerRequirement
    dockerPull: "public.ecr.aws/samtools:3"
baseCommand: samtools
inputs: {}
outputs: {}
"""

REPORT_TOOL = "cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\n"


def task_images(omics: Any, clock: Any, files: dict[str, str]) -> dict[str, str]:
    workflow = omics.create_workflow(name="images", definitionZip=zip_bytes(files))["id"]
    omics.get_waiter("workflow_active").wait(id=workflow)
    run = omics.start_run(workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={})
    clock.advance(hours=1)
    return {
        task["name"]: omics.get_run_task(id=run["id"], taskId=task["taskId"])["imageDetails"][
            "image"
        ]
        for task in omics.list_run_tasks(id=run["id"])["items"]
    }


def test_wdl_tasks_run_their_docker_or_container_image(omics: Any, clock: Any) -> None:
    images = task_images(omics, clock, {"main.wdl": WDL})
    assert images["align"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/bwa:0.7.17"
    assert images["sort"] == "public.ecr.aws/samtools:1.19"


def test_an_image_given_by_an_expression_is_not_invented_from_it(omics: Any, clock: Any) -> None:
    images = task_images(omics, clock, {"main.wdl": WDL})
    assert "~{" not in images["plain"]


def test_nextflow_processes_run_their_container(omics: Any, clock: Any) -> None:
    files = {"main.nf": NEXTFLOW, "nextflow.config": NEXTFLOW_CONFIG}
    images = task_images(omics, clock, files)
    assert images == {
        "ALIGN": "quay.io/biocontainers/bwa:0.7.17",
        "SORT": "public.ecr.aws/ubuntu:22.04",
    }


def test_cwl_steps_run_their_docker_requirement(omics: Any, clock: Any) -> None:
    files = {"main.cwl": CWL, "tools/sort.cwl": SORT_TOOL, "tools/report.cwl": REPORT_TOOL}
    images = task_images(omics, clock, files)
    assert images == {
        "align": "public.ecr.aws/bwa:2",
        "sort": "public.ecr.aws/samtools:3",
        "report": "public.ecr.aws/default:1",
    }


def test_a_task_without_a_declared_image_reports_a_private_ecr_image(
    omics: Any, clock: Any
) -> None:
    images = task_images(omics, clock, {"main.nf": NEXTFLOW})
    assert images["SORT"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/sort:latest"
