"""Every answer of a recorded conversation stays byte for byte the same (see ``replay``)."""

from __future__ import annotations

import json

from .replay import RECORDING, record


def test_answers_match_the_recording() -> None:
    expected = json.loads(RECORDING.read_text())
    answers = record()
    assert len(answers) == len(expected)
    for index, (got, want) in enumerate(zip(answers, expected, strict=True)):
        assert got == want, f"answer {index} ({want['operation']}) changed"


def test_the_recording_covers_every_simulated_operation() -> None:
    from omics_mock.service import FAMILIES  # noqa: F401 (registers every operation)
    from omics_mock.service.kernel.state import OPERATIONS

    recorded = {answer["operation"] for answer in json.loads(RECORDING.read_text())}
    assert set(OPERATIONS) - recorded == set()
    statuses = {answer.get("status") for answer in json.loads(RECORDING.read_text())}
    assert {200, 201, 202, 400, 404, 409} <= statuses
