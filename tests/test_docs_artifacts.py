"""The code in docs/artifacts.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "artifacts.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_the_examples_of_docs_artifacts_run() -> None:
    pytest.importorskip("moto")
    blocks = BLOCK.findall(DOC.read_text())
    assert len(blocks) >= 3
    namespace: dict[str, Any] = {"__name__": "docs_artifacts"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"{DOC.name} block {number}", "exec"), namespace)
