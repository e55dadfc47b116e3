"""Shared pieces: timing, medians, canned botocore answers, fixtures for omics.

Everything compared is measured side by side in one process: in a *round*,
the calls of the cases compared alternate one by one (``time_group``), and
each number reported is the median over rounds. Ratios are taken per round
(the cases of a round ran interleaved, under the same load) and then their
median is reported, which keeps the noise of a shared machine out of the
comparison.
"""

from __future__ import annotations

import gc
import io
import statistics
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/omics-bench"
OUT = "s3://omics-bench-out/results/"
REGION = "us-east-1"

WDL_MAIN = """version 1.0
workflow bench {
  input {
    String sample
    Int threads = 4
  }
}
"""


def wdl_zip(main: str = WDL_MAIN) -> bytes:
    """A workflow definition bundle with one WDL file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.wdl", main)
    return buffer.getvalue()


def create_active_workflow(client: Any) -> str:
    """Create a private WDL workflow and wait (in virtual time) until it is ACTIVE."""
    created = client.create_workflow(name="bench", definitionZip=wdl_zip())
    client.get_waiter("workflow_active").wait(id=created["id"])
    return str(created["id"])


def start_run_request(workflow_id: str, index: int = 0) -> dict[str, Any]:
    return {
        "workflowId": workflow_id,
        "roleArn": ROLE,
        "outputUri": OUT,
        "name": f"bench-{index}",
        "parameters": {"sample": f"NA{12878 + index}"},
    }


# -- canned answers: the floor --------------------------------------------------------------


class _Body(io.BytesIO):
    """A raw response body botocore can read or stream."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        data = self.read()
        if data:
            yield data


@dataclass(frozen=True)
class Answer:
    """A captured HTTP answer: what the handler under test sent back to botocore."""

    status: int
    headers: dict[str, str]
    body: bytes


def capture(client: Any, call: Callable[[], Any]) -> Answer:
    """Run ``call`` once and keep the raw HTTP answer botocore received."""
    seen: list[Answer] = []

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        seen.append(
            Answer(
                response_dict["status_code"], dict(response_dict["headers"]), response_dict["body"]
            )
        )

    client.meta.events.register("before-parse", keep, unique_id="bench-capture")
    try:
        call()
    finally:
        client.meta.events.unregister("before-parse", unique_id="bench-capture")
    if not seen:
        raise RuntimeError("no answer was captured")
    return seen[-1]


class Canned:
    """A ``before-send`` handler answering every operation from captured answers.

    It does no work besides building botocore's response object, so a client it
    answers pays exactly botocore's own cost: serialise, sign, parse.
    """

    unique_id = "bench-canned-floor"

    def __init__(self, event_prefix: str) -> None:
        self.event_prefix = event_prefix
        self.answers: dict[str, Answer] = {}

    def __call__(self, request: Any, event_name: str = "", **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        answer = self.answers[event_name.rpartition(".")[2]]
        return AWSResponse(request.url, answer.status, answer.headers, _Body(answer.body))

    def attach(self, client: Any) -> None:
        client.meta.events.register_first(self.event_prefix, self, unique_id=self.unique_id)


# -- timing ---------------------------------------------------------------------------------


@dataclass
class Case:
    """One thing to time: ``call`` is one call of the operation measured."""

    name: str
    call: Callable[[], Any]
    samples: list[float] = field(default_factory=list)
    """Mean seconds per call, one value per round."""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclass
class Group:
    """Cases timed against each other: their calls alternate one by one."""

    cases: list[Case]
    n: int
    """Calls of each case per round."""


def time_group(group: Group) -> None:
    """One round: ``n`` calls of every case, interleaved call by call.

    The order rotates at every step, so no case always follows the same one;
    each case's sample is its mean time per call, so what its calls leave
    behind for later (garbage to collect, say) is charged to it on average.
    """
    cases = group.cases
    for case in cases:  # warm-up, untimed
        case.call()
    calls = [case.call for case in cases]
    totals = [0.0] * len(cases)
    count = len(cases)
    clock = time.perf_counter
    gc.collect()
    for step in range(group.n):
        for offset in range(count):
            index = (step + offset) % count
            call = calls[index]
            start = clock()
            call()
            totals[index] += clock() - start
    for case, total in zip(cases, totals, strict=True):
        case.samples.append(total / group.n)


def run_rounds(groups: list[Group], rounds: int) -> None:
    """Every group once per round."""
    for _ in range(rounds):
        for group in groups:
            time_group(group)


def paired(numerator: Case, denominator: Case) -> float:
    """Median over rounds of numerator/denominator (same round, calls interleaved)."""
    return statistics.median(
        a / b for a, b in zip(numerator.samples, denominator.samples, strict=True)
    )


def overhead(subject: Case, floor: Case) -> float:
    """Median over rounds of (subject - floor) / floor."""
    return statistics.median(
        (a - b) / b for a, b in zip(subject.samples, floor.samples, strict=True)
    )


def difference(subject: Case, floor: Case) -> float:
    """Median over rounds of subject - floor, in seconds per call."""
    return statistics.median(a - b for a, b in zip(subject.samples, floor.samples, strict=True))
