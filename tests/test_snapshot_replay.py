"""The recorded conversation (``replay``) answers the same with a snapshot restored after
every call: every answer of all 107 operations, and everything after (IDs included)."""

from __future__ import annotations

import json
from typing import Any

from .replay import RECORDING, record


def restore_own_snapshot(mock: Any) -> None:
    document = json.loads(json.dumps(mock.snapshot(), allow_nan=False))
    assert document["omitted"] == []
    mock.restore(document)


def test_answers_match_the_recording_with_a_restore_after_every_call() -> None:
    expected = json.loads(RECORDING.read_text())
    answers = record(after_each=restore_own_snapshot)
    assert len(answers) == len(expected)
    for index, (got, want) in enumerate(zip(answers, expected, strict=True)):
        assert got == want, f"answer {index} ({want['operation']}) changed"
