"""Reading imported files: where they come from and whether they parse.

Sources are S3 objects: objects given to the control API (``m.s3.put_object``),
or moto's S3 when it is active; a known bucket without the object fails the item.
A bucket that no source knows imports ``settings.analytics.stand_in_bytes`` of
stand-in data (``missing_bucket = "synthesize"``) or fails (``"fail"``). The
control API can make any source URI fail (``storage.sources.SourceSteering``).

With ``settings.analytics.check_contents`` each file (plain or gzip/bgzip) is read:

* VCF: the first line is ``##fileformat=VCF…``; a ``#CHROM`` line with the eight
  fixed columns comes before the records; each record has at least eight
  tab-separated fields and a whole-number ``POS``.
* GFF: the first line is ``##gff-version 3``; each feature line has nine
  tab-separated fields with whole-number start ≤ end (until a ``##FASTA`` line).
* TSV: the file decodes in ``readOptions.encoding`` and every row (lines split on
  ``lineSep``, comment lines skipped) has as many ``sep``-separated fields as the
  schema has columns.

The messages are omics-mock's own.
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...wire.errors import ValidationException
from ..outside.s3 import read_object
from ..storage.sources import SourceSteering, short

if TYPE_CHECKING:
    from ..kernel.state import Backend

INFLATE_STEP = 8 * 1024 * 1024
VCF_COLUMNS = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]


def read_source(backend: Backend, uri: str) -> bytes | int | str:
    """The file's bytes, the size of a stand-in (unknown bucket), or why it cannot be read."""
    forced = backend.state.shared(SourceSteering).failures.get(uri)
    if forced is not None:
        return short(forced)
    try:
        found = read_object(backend, uri, "source file")
    except ValidationException as error:
        return short(error.message)
    settings = backend.settings.analytics
    if found is None:
        if settings.missing_bucket == "fail":
            return short(f"The source file {uri} was not found.")
        return settings.stand_in_bytes
    if not found:
        return short(f"The source file {uri} is empty.")
    if len(found) > settings.quotas.max_import_file_bytes:
        return short(
            f"The source file {uri} is larger than {settings.quotas.max_import_file_bytes} bytes."
        )
    return found


def file_problem(data: bytes, file_format: str, **options: Any) -> str | None:
    """Why ``data`` is not a valid file of ``file_format`` (VCF, GFF, TSV), or ``None``."""
    try:
        if file_format == "VCF":
            _vcf_problem(_lines(data, "utf-8", "\n"))
        elif file_format == "GFF":
            _gff_problem(_lines(data, "utf-8", "\n"))
        else:
            read = options.get("read_options") or {}
            lines = _lines(data, read.get("encoding") or "utf-8", read.get("lineSep") or "\n")
            _tsv_problem(lines, options.get("columns") or [], read)
        return None
    except zlib.error:
        return f"The {file_format} file is not valid gzip."
    except LookupError as error:
        return short(f"Unknown encoding: {error}")
    except UnicodeDecodeError:
        return f"The {file_format} file is not valid text in its encoding."
    except _Problem as problem:
        return short(str(problem))


class _Problem(Exception):
    """A file that does not parse: the message says where."""


def _inflated(data: bytes) -> Iterator[bytes]:
    """The text of a gzip or bgzip (multi-member) file, in pieces; ``zlib.error`` if it
    is not gzip or ends early."""
    remaining: bytes = data
    while remaining:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        tail = remaining
        while tail:
            piece = decompressor.decompress(tail, INFLATE_STEP)
            if piece:
                yield piece
            if decompressor.eof:
                break
            tail = decompressor.unconsumed_tail
        if not decompressor.eof:
            rest = decompressor.flush()
            if rest:
                yield rest
            raise zlib.error("the gzip stream ends early")
        remaining = decompressor.unused_data


def _lines(data: bytes, encoding: str, separator: str) -> Iterator[tuple[int, str]]:
    """Numbered lines of the (inflated) text, decoded incrementally."""
    pieces: Iterator[bytes] = _inflated(data) if data[:2] == b"\x1f\x8b" else iter((data,))
    decoder = codecs.getincrementaldecoder(encoding)()
    carry, number = "", 0
    for piece in pieces:
        parts = (carry + decoder.decode(piece)).split(separator)
        carry = parts.pop()
        for line in parts:
            number += 1
            yield number, line.rstrip("\r")
    tail = carry + decoder.decode(b"", final=True)
    if tail.rstrip("\r"):
        yield number + 1, tail.rstrip("\r")


def _vcf_problem(lines: Iterator[tuple[int, str]]) -> None:
    header_seen = False
    for number, line in lines:
        if number == 1 and not line.startswith("##fileformat=VCF"):
            raise _Problem("Not a VCF file: the first line must be ##fileformat=VCFv4.x.")
        if line.startswith("##") or not line:
            continue
        fields = line.split("\t")
        if line.startswith("#"):
            if fields[:8] != VCF_COLUMNS:
                raise _Problem(f"VCF line {number}: the header line needs {' '.join(VCF_COLUMNS)}.")
            header_seen = True
            continue
        if not header_seen:
            raise _Problem(f"VCF line {number}: a record comes before the #CHROM header line.")
        if len(fields) < 8:
            raise _Problem(f"VCF line {number}: a record has {len(fields)} fields, not 8 or more.")
        if not fields[1].isdigit():
            raise _Problem(f"VCF line {number}: POS {fields[1]!r} is not a whole number.")
    if not header_seen:
        raise _Problem("The VCF file has no #CHROM header line.")


def _gff_problem(lines: Iterator[tuple[int, str]]) -> None:
    for number, line in lines:
        if number == 1 and not line.startswith("##gff-version 3"):
            raise _Problem("Not a GFF3 file: the first line must be ##gff-version 3.")
        if line.startswith("##FASTA"):
            return
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 9:
            raise _Problem(f"GFF line {number}: a feature has {len(fields)} fields, not 9.")
        start, end = fields[3], fields[4]
        if not (start.isdigit() and end.isdigit()) or int(start) > int(end):
            raise _Problem(f"GFF line {number}: start {start!r} and end {end!r} are not a range.")


def _tsv_problem(
    lines: Iterator[tuple[int, str]], columns: list[str], read: dict[str, Any]
) -> None:
    separator, comment = read.get("sep") or "\t", read.get("comment")
    for number, line in lines:
        if not line or (comment and line.startswith(comment)):
            continue
        count = len(line.split(separator))
        if columns and count != len(columns):
            raise _Problem(
                f"TSV line {number}: {count} fields, but the schema has {len(columns)} columns."
            )
