"""Body compression of the archive: zstd frames, with a dictionary trained per content kind.

Government pages share most of their bytes with their neighbours (templates, navigation, the
report forms' wording), so a dictionary trained on a few dozen bodies of one kind compresses the
next ones several times better than zstd alone. Dictionaries are stored in the database beside the
bodies (the store's `body_dictionaries`), so every body stays readable from the file alone. A frame
records its dictionary's id and its content size, and decompression is checked against the
sha256 kept with the snapshot: reading a body gives back exactly the bytes fetched.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Callable

import zstandard

from archive.formats import document_kind

# Bodies' zstd level (crawl setting ARCHIVE_BODY_LEVEL). On 31 KB pages of one template, each with a
# report text its dictionary never saw: level 3 gives 0.057 of the bytes in 0.07 ms a body, 6 0.048
# in 0.17 ms, 9 0.045 in 0.28 ms, 19 0.041 in 3.4 ms.
LEVEL = 6
# A dictionary is trained once a kind has this many bodies compressed without one.
DICTIONARY_SAMPLES = 32
DICTIONARY_BYTES = 112 * 1024
PIECE_BYTES = 2048
# The trainer's segment and d-mer sizes. Left to zstd's defaults, it gave a dictionary of a tenth to
# a third of the size asked for: on pages of one template with texts the dictionary never saw
# (benchmarks/bench_compression.py), 0.150 of the bytes against 0.093 with these.
SEGMENT_BYTES = 2048
DMER_BYTES = 8


# zstd's levels: negative ones are faster still, 0 is zstd's default (3).
LEVELS = range(-(1 << 17), 23)


def zstd_level(value: object) -> int:
    """A zstd level from a setting's value; ValueError (naming what levels are) for anything else."""
    try:
        level = int(str(value))
    except ValueError:
        level = None
    if level not in LEVELS:
        raise ValueError(f"expected a zstd level from 1 (fastest) to 22 (smallest), got {value!r}")
    return level


def body_kind(body: bytes, content_type: str | None) -> str:
    """The family a body's dictionary is trained for: html, text, pdf, word, office or other."""
    return document_kind(body, content_type) or "other"


def train_dictionary(samples: list[bytes], size: int = DICTIONARY_BYTES) -> bytes | None:
    """A zstd dictionary from sample bodies; None when the samples are too few or too small.
    Samples are cut into pieces first: the trainer wants many samples, a kind has a few dozen."""
    pieces = [sample[i:i + PIECE_BYTES] for sample in samples for i in range(0, len(sample), PIECE_BYTES)]
    total = sum(map(len, pieces))
    if len(samples) < 3 or total < 8 * 1024:
        return None
    try:
        size = min(size, total // 4)
        trained = zstandard.train_dictionary(size, pieces, k=min(SEGMENT_BYTES, size), d=DMER_BYTES, level=LEVEL)
    except zstandard.ZstdError:  # samples without enough repetition to train on
        return None
    return trained.as_bytes()


@dataclass
class BodyCodec:
    """Compressors and decompressors per dictionary id (0: none), built once per dictionary."""

    load_dictionary: Callable[[int], bytes]
    level: int = LEVEL
    _compressors: dict[int, zstandard.ZstdCompressor] = field(default_factory=dict)
    _decompressors: dict[int, zstandard.ZstdDecompressor] = field(default_factory=dict)

    def _dictionary(self, dictionary_id: int) -> zstandard.ZstdCompressionDict | None:
        if not dictionary_id:
            return None
        return zstandard.ZstdCompressionDict(self.load_dictionary(dictionary_id))

    def compress(self, body: bytes, dictionary_id: int = 0) -> bytes:
        compressor = self._compressors.get(dictionary_id)
        if compressor is None:
            dictionary = self._dictionary(dictionary_id)
            compressor = zstandard.ZstdCompressor(level=self.level, dict_data=dictionary, write_content_size=True)
            self._compressors[dictionary_id] = compressor
        return compressor.compress(body)

    def decompress(self, frame: bytes, dictionary_id: int = 0) -> bytes:
        decompressor = self._decompressors.get(dictionary_id)
        if decompressor is None:
            decompressor = zstandard.ZstdDecompressor(dict_data=self._dictionary(dictionary_id))
            self._decompressors[dictionary_id] = decompressor
        return decompressor.decompress(frame)


# -- report texts ----------------------------------------------------------------------------------
# A report's text is mostly the text of its own page: compressed against that page (its body as a
# raw-content dictionary), 16.8 KB of text take 1.4 KB, where zstd alone needs 7.2 KB. The stored
# value starts with one byte saying how it was compressed, so it decodes from the file alone.
TEXT_PLAIN = 0  # zstd, no dictionary: attachments (PDF, Word) and joined flipbook pages
TEXT_ON_BODY = 1  # zstd with the report's snapshot body, as UTF-8, as dictionary
_TEXT_LEVEL = 9
TEXT_ON_BODY_ENOUGH = 0.15  # of the text's UTF-8 bytes: below what plain zstd leaves of report text


def text_basis(body: bytes, encoding: str | None) -> bytes | None:
    """The bytes a text is compressed against: the body as UTF-8 (decoded with its stored encoding
    when it is another); None for a body that is not text."""
    if not body or not encoding:
        return None
    try:
        if codecs.lookup(encoding).name == "utf-8":
            return body
        return body.decode(encoding, "replace").encode("utf-8")
    except LookupError:
        return None


def _text_dictionary(basis: bytes) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(basis, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def compress_text(text: str, basis: bytes | None) -> bytes:
    """The stored form of a text: against `basis` when that is smaller, else plain; always checked
    to decode back to the same text (frames carry a checksum). A text compressed against its page
    to at most `TEXT_ON_BODY_ENOUGH` of its bytes is kept without trying plain zstd as well: one
    compression per HTML report, not two. Plain zstd left the texts of every HTML fixture and corpus
    page at 0.22 to 0.51 of their bytes, against the page 0.08 to 0.27 (corpus 021's 16.8 KB: 1.4 KB
    against the page, 7.2 KB plain), so the shortcut only skips a compression that would lose."""
    data = text.encode("utf-8")
    delta = None
    if basis:
        compressor = zstandard.ZstdCompressor(level=_TEXT_LEVEL, write_checksum=True,
                                              dict_data=_text_dictionary(basis))
        delta = bytes([TEXT_ON_BODY]) + compressor.compress(data)
        if decompress_text(delta, lambda: basis) != text:
            delta = None
        elif len(delta) <= TEXT_ON_BODY_ENOUGH * len(data):
            return delta
    plain = bytes([TEXT_PLAIN]) + zstandard.ZstdCompressor(level=_TEXT_LEVEL, write_checksum=True).compress(data)
    return delta if delta is not None and len(delta) < len(plain) else plain


def decompress_text(stored: bytes, basis: Callable[[], bytes | None]) -> str:
    """The text of a stored value; `basis` gives the body bytes it was compressed against."""
    if stored[0] == TEXT_ON_BODY:
        dictionary = basis()
        if dictionary is None:
            raise ValueError("a report text is stored against a body that is not text")
        decompressor = zstandard.ZstdDecompressor(dict_data=_text_dictionary(dictionary))
    else:
        decompressor = zstandard.ZstdDecompressor()
    return decompressor.decompress(stored[1:]).decode("utf-8")
