"""``definition_zip``: a workflow definition bundle from its files' text."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

_FIXED_TIME = (2024, 1, 1, 0, 0, 0)
"""Every member gets this timestamp, so the same files make the same bytes (and digest)."""


def definition_zip(files: Mapping[str, str | bytes]) -> bytes:
    """The zip archive CreateWorkflow takes as ``definitionZip``, holding ``files``.

    >>> data = definition_zip({"main.wdl": "version 1.0\\nworkflow wgs {}\\n"})
    >>> data[:2]
    b'PK'

    Keys are paths inside the archive (``"main.wdl"``, ``"modules/align.nf"``),
    values their text (UTF-8) or bytes. The bytes depend only on ``files``.
    """
    if isinstance(files, (str, bytes)) or not isinstance(files, Mapping):
        raise TypeError(
            'files maps paths to contents, e.g. {"main.wdl": "version 1.0 ..."}, '
            f"not {type(files).__name__}"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            if not isinstance(path, str) or not path:
                raise TypeError(f"a path in the bundle is non-empty text, not {path!r}")
            if not isinstance(content, (str, bytes)):
                raise TypeError(f"the content of {path} is text or bytes, not {content!r}")
            member = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            archive.writestr(member, content)
    return buffer.getvalue()
