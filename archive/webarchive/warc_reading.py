"""Reading WARC files defensively: a whole-file check before anything is archived, and the
values of one record (target, time, digests) in the archive's own forms."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from archive.webarchive.warc_export import sha256_of_digest

CHUNK = 1 << 16


@dataclass(frozen=True)
class WarcProblem:
    """Why a WARC file cannot be read, and where (the byte offset of the record that fails)."""

    path: Path
    offset: int
    message: str
    skipped: str = "the file"  # or "this record": a record read whole that could not be archived

    def line(self) -> str:
        return (f"{self.path}: unreadable WARC at record offset {self.offset}: {self.message} "
                f"({self.skipped} skipped, nothing archived from it)")


def cut_gzip_member(path: Path) -> int | None:
    """The offset of a gzip member that ends before its trailer (a file cut short), else None.
    zlib yields a cut member's data without complaint, so warcio alone would not notice."""
    with open(path, "rb") as stream:
        if stream.read(2) != b"\x1f\x8b":
            return None
        stream.seek(0)
        start, position, member = 0, 0, zlib.decompressobj(wbits=31)
        while chunk := stream.read(CHUNK):
            while chunk:
                member.decompress(chunk)
                if not member.eof:
                    position += len(chunk)
                    break
                used = len(chunk) - len(member.unused_data)
                position += used
                start, chunk = position, member.unused_data
                member = zlib.decompressobj(wbits=31)
        return start if position > start else None


def check_warc(path: Path) -> WarcProblem | None:
    """Read every record of the file to its end, verifying the digests it declares; the first
    record that cannot be read, or None when the whole file reads."""
    try:
        cut = cut_gzip_member(path)
    except (OSError, zlib.error):
        cut = None  # damaged, not cut: warcio's reading below says where
    try:
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream, check_digests="raise")
            try:
                for record in iterator:
                    while record.raw_stream.read(CHUNK):
                        pass
                    _check_complete(record)
            except (Exception, EOFError) as error:  # warcio raises anything from zlib to AttributeError
                return WarcProblem(path, iterator.offset, problem_message(error))
            # warcio ends quietly at a record it cannot start (an uncompressed file cut inside one).
            if iterator.offset < path.stat().st_size:
                return WarcProblem(path, iterator.offset, "no readable record here (the file ends inside it)")
    except OSError as error:
        return WarcProblem(path, 0, problem_message(error))
    if cut is not None:
        return WarcProblem(path, cut, "truncated gzip member (the file ends inside it)")
    return None


def _check_complete(record) -> None:
    """A record cut short inside its gzip member (no digest to catch it) ends early."""
    limit = getattr(record.raw_stream, "limit", None)
    if limit:
        raise EOFError(f"record ends {limit} bytes before its Content-Length")


def problem_message(error: BaseException) -> str:
    if isinstance(error, AttributeError):  # warcio's parser meeting the end of a cut member
        return "truncated or damaged gzip member"
    if isinstance(error, (zlib.error, EOFError)):
        kind = "truncated or damaged gzip member"
    else:
        kind = type(error).__name__
    # warcio quotes the bytes it could not parse: say what failed, not the binary.
    text = str(error).split(", first line")[0]
    text = " ".join("".join(ch for ch in text if ch.isprintable()).split())[:160]
    return f"{kind} ({text})" if text else kind


def archive_time(warc_date: str | None) -> str | None:
    """A WARC-Date as the archive writes times (UTC, milliseconds, Z)."""
    if not warc_date:
        return None
    moment = iso_date_to_datetime(warc_date).replace(tzinfo=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record_sha256(record) -> str | None:
    return sha256_of_digest(record.rec_headers.get_header("WARC-Payload-Digest"))
