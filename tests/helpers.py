"""Small builders shared by the tests."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/omics-run"
OUT = "s3://omics-out/results/"

WDL_MAIN = """version 1.0
workflow wgs {
  input {
    String sample
    File? reference
    Int threads = 4
  }
}
"""


ZIP_TIME = (2026, 6, 1, 12, 0, 0)
"""Every archive's entries carry this time, so the same files always zip to the same bytes
(``writestr`` would stamp the wall clock: two calls a second apart differed)."""


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    """A zip archive holding ``files`` (the same bytes for the same files)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, content)
    return buffer.getvalue()


def wdl_zip(main: str = WDL_MAIN) -> bytes:
    return zip_bytes({"main.wdl": main})


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    """(code, HTTP status, message) of a ClientError."""
    response: dict[str, Any] = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )
