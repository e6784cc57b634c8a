"""Binary Word (.doc, and WPS files saved in the Word 97 format) → DocumentContent, in pure Python.

olefile opens the compound file; the text is read through the piece table (the Clx of the table
stream) and the paragraph properties (PAPX FKPs) tell table paragraphs apart: a paragraph with
sprmPFInTable belongs to a cell, a cell's last paragraph ends with \\x07 instead of \\r, and the
paragraph with sprmPFTtp (another \\x07) ends a table row and carries the row's layout
(sprmTDefTable: cell edges and vertical-merge flags; sprmTVertMerge). A horizontally merged cell is
one wider cell; a vertically merged one repeats the text above it, as in an HTML grid.
"""

from __future__ import annotations

import bisect
import io
import struct
from dataclasses import dataclass

import olefile

from archive.content import DocumentContent, Row, UnreadableDocument
from archive.readers.limits import READ_LIMITS, ReadLimits
from archive.readers.spans import cell_text, table_line

_WORD_IDENT = 0xA5EC
_SPRM_IN_TABLE, _SPRM_TTP, _SPRM_INNER_TTP = 0x2416, 0x2417, 0x244C
_SPRM_DEF_TABLE, _SPRM_HUGE_PAPX, _SPRM_VERT_MERGE = 0xD608, 0x6646, 0xD62B
_TC_VERT_MERGE, _TC_VERT_RESTART = 0x20, 0x40
_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
_DROP = dict.fromkeys(map(ord, "\x01\x08\x1f"), None) | {0x0b: "\n", 0x0c: "\n", 0x1e: "-", 0xa0: " "}


@dataclass(frozen=True)
class Piece:
    cp: int  # first character position
    end: int  # one past the last
    fc: int  # byte offset in the WordDocument stream
    compressed: bool  # 8-bit (cp1252) text instead of UTF-16LE


def read_doc(body: bytes, limits: ReadLimits = READ_LIMITS) -> DocumentContent:
    """Tables and text of a Word 97-2003 document."""
    try:
        with olefile.OleFileIO(io.BytesIO(body)) as ole:
            if not ole.exists("WordDocument"):
                raise UnreadableDocument("doc: no WordDocument stream (not a Word file)")
            word = ole.openstream("WordDocument").read()
            flags = _u16(word, 0x0A)
            if _u16(word, 0) != _WORD_IDENT:
                raise UnreadableDocument("doc: not a Word 97 file")
            if flags & 0x0100:
                raise UnreadableDocument("doc: encrypted")
            name = "1Table" if flags & 0x0200 else "0Table"
            if not ole.exists(name):
                raise UnreadableDocument(f"doc: no {name} stream (Word 6/95 or damaged)")
            table = ole.openstream(name).read()
            data = ole.openstream("Data").read() if ole.exists("Data") else b""
    except (OSError, struct.error, ValueError, IndexError) as error:
        raise UnreadableDocument(f"doc: {type(error).__name__}: {error}") from error
    try:
        return _document(word, table, data, limits.doc_chars)
    except (struct.error, ValueError, IndexError) as error:
        raise UnreadableDocument(f"doc: {type(error).__name__}: {error}") from error


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from("<H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<I", data, offset)[0]


def _fc_lcb(word: bytes, index: int) -> tuple[int, int]:
    """The index-th (fc, lcb) pair of FibRgFcLcb97."""
    return _u32(word, 0x9A + 8 * index), _u32(word, 0x9E + 8 * index)


def pieces(word: bytes, table: bytes) -> list[Piece]:
    """The piece table (PlcPcd inside the Clx)."""
    fc, lcb = _fc_lcb(word, 33)
    clx, at = table[fc:fc + lcb], 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers, skipped
        at += 3 + _u16(clx, at + 1)
    if at >= len(clx) or clx[at] != 0x02:
        raise ValueError("no piece table")
    size = _u32(clx, at + 1)
    plc = clx[at + 5:at + 5 + size]
    count = (len(plc) - 4) // 12
    result = []
    for i in range(count):
        cp, end = _u32(plc, 4 * i), _u32(plc, 4 * i + 4)
        raw = _u32(plc, 4 * (count + 1) + 8 * i + 2)
        compressed = bool(raw & 0x40000000)
        offset = (raw & 0x3FFFFFFF) // 2 if compressed else raw & 0x3FFFFFFF
        result.append(Piece(cp, end, offset, compressed))
    return result


def _piece_text(word: bytes, piece: Piece, max_chars: int) -> str:
    count = min(piece.end - piece.cp, max_chars)
    if piece.compressed:
        return word[piece.fc:piece.fc + count].decode("cp1252", errors="replace")
    return word[piece.fc:piece.fc + 2 * count].decode("utf-16-le", errors="replace")


@dataclass(frozen=True)
class Paragraph:
    """What the text walk needs of a paragraph's properties (a row end carries its row's TAP)."""

    in_table: bool = False
    row_end: bool = False
    lefts: tuple[int, ...] = ()  # left edge of each cell of the row (twips)
    continued: frozenset[int] = frozenset()  # cells merged into the cell above


_PLAIN = Paragraph()


@dataclass(frozen=True)
class ParagraphRuns:
    """Paragraph properties by byte offset: sorted run starts, their ends, (in_table, row_end) flags."""

    starts: list[int]
    ends: list[int]
    flags: list[Paragraph]

    def at(self, fc: int) -> Paragraph:
        i = bisect.bisect_right(self.starts, fc) - 1
        return self.flags[i] if i >= 0 and fc < self.ends[i] else _PLAIN


def paragraph_runs(word: bytes, table: bytes, data: bytes) -> ParagraphRuns:
    """Walk the PlcBtePapx and its FKPs once."""
    fc, lcb = _fc_lcb(word, 13)
    plc = table[fc:fc + lcb]
    count = (len(plc) - 4) // 8
    runs: list[tuple[int, int, Paragraph]] = []
    for i in range(count):
        page = (_u32(plc, 4 * (count + 1) + 4 * i) & 0x3FFFFF) * 512
        fkp = word[page:page + 512]
        if len(fkp) < 512:
            continue
        crun = fkp[511]
        for j in range(crun):
            start, end = _u32(fkp, 4 * j), _u32(fkp, 4 * j + 4)
            offset = fkp[4 * (crun + 1) + 13 * j] * 2
            runs.append((start, end, _papx_flags(fkp, offset, data) if offset else _PLAIN))
    runs.sort(key=lambda run: run[0])
    return ParagraphRuns([r[0] for r in runs], [r[1] for r in runs], [r[2] for r in runs])


def _papx_flags(fkp: bytes, offset: int, data: bytes) -> Paragraph:
    cb = fkp[offset]
    start, size = (offset + 2, 2 * fkp[offset + 1]) if cb == 0 else (offset + 1, 2 * cb - 1)
    return _grpprl_flags(fkp[start + 2:start + size], data)  # after the 2-byte istd


def _grpprl_flags(grpprl: bytes, data: bytes) -> Paragraph:
    """Table flags and row layout from a list of sprms; a huge PAPX lives in the Data stream."""
    in_table = row_end = False
    lefts: tuple[int, ...] = ()
    continued: set[int] = set()
    at = 0
    while at + 2 <= len(grpprl):
        sprm = _u16(grpprl, at)
        at += 2
        spra = sprm >> 13
        if sprm == _SPRM_DEF_TABLE:
            size = _u16(grpprl, at) + 1
            lefts, merged = _def_table(grpprl[at + 2:at + size])
            continued |= merged
        elif spra == 6:
            size = grpprl[at] + 1 if at < len(grpprl) else 1
        else:
            size = _OPERAND_SIZE[spra]
        operand = grpprl[at] if at < len(grpprl) else 0
        if sprm == _SPRM_IN_TABLE:
            in_table = operand != 0
        elif sprm in (_SPRM_TTP, _SPRM_INNER_TTP):
            row_end = row_end or operand != 0
        elif sprm == _SPRM_VERT_MERGE and at + 3 <= len(grpprl):
            itc, flags = grpprl[at + 1], grpprl[at + 2]
            (continued.add if flags == 1 else continued.discard)(itc)
        elif sprm == _SPRM_HUGE_PAPX and at + 4 <= len(grpprl):
            where = _u32(grpprl, at)
            huge = data[where + 2:where + 2 + _u16(data, where)] if where + 2 <= len(data) else b""
            inner = _grpprl_flags(huge, b"")
            in_table, row_end = in_table or inner.in_table, row_end or inner.row_end
            lefts = inner.lefts or lefts
            continued |= inner.continued
        at += size
    return Paragraph(in_table, row_end, lefts, frozenset(continued))


def _def_table(operand: bytes) -> tuple[tuple[int, ...], set[int]]:
    """Cell left edges and vertically continued cells from sprmTDefTable (itcMac, rgdxaCenter, rgTc80)."""
    if not operand:
        return (), set()
    count = operand[0]
    edges = [struct.unpack_from("<h", operand, 1 + 2 * i)[0] for i in range(count + 1)
             if 3 + 2 * i <= len(operand)]
    tcs = 1 + 2 * (count + 1)
    merged = {i for i in range(count) if tcs + 20 * i + 2 <= len(operand)
              and _u16(operand, tcs + 20 * i) & (_TC_VERT_MERGE | _TC_VERT_RESTART) == _TC_VERT_MERGE}
    return tuple(edges[:count]), merged


def _visible(text: str) -> str:
    """Field codes dropped (their results kept), object anchors and soft hyphens removed."""
    out: list[str] = []
    depth_in_code: list[bool] = []
    for char in text:
        if char == "\x13":
            depth_in_code.append(True)
        elif char == "\x14" and depth_in_code:
            depth_in_code[-1] = False
        elif char == "\x15" and depth_in_code:
            depth_in_code.pop()
        elif not any(depth_in_code):
            out.append(char)
    return "".join(out).translate(_DROP)


def _merge_down(cells: list[str], row: Paragraph, above: dict[int, str]) -> tuple[list[str], dict[int, str]]:
    """A vertically merged cell repeats the text of the cell it continues, as in an HTML grid."""
    if len(row.lefts) != len(cells):
        return cells, {}
    merged = [above.get(left, "") if i in row.continued else text
              for i, (left, text) in enumerate(zip(row.lefts, cells))]
    return merged, dict(zip(row.lefts, merged))


def _document(word: bytes, table: bytes, data: bytes, max_chars: int) -> DocumentContent:
    main_chars = _u32(word, 0x4C)  # ccpText: the main document comes first, then notes/headers
    runs = paragraph_runs(word, table, data)
    rows: list[Row] = []
    lines: list[str] = []
    cells: list[str] = []
    buffer: list[str] = []
    above: dict[int, str] = {}  # left edge → text of the previous row's cell there
    for piece in pieces(word, table):
        if piece.cp >= main_chars:
            break
        text = _piece_text(word, piece, max_chars)[:main_chars - piece.cp]
        step = 1 if piece.compressed else 2
        for i, char in enumerate(text):
            if char not in "\r\x07":
                buffer.append(char)
                continue
            paragraph = runs.at(piece.fc + i * step)
            if char == "\x07" and paragraph.row_end:
                cells, above = _merge_down(cells, paragraph, above)
                row = Row(tuple(cells), exact=True)
                rows.append(row)
                lines.append(table_line(row.cells))
                cells, buffer = [], []
            elif char == "\x07":
                cells.append(cell_text(_visible("".join(buffer))))
                buffer = []
            elif paragraph.in_table:
                buffer.append("\n")  # a paragraph break inside a cell
            else:
                lines.append(_visible("".join(buffer)))
                buffer = []
    if buffer:
        lines.append(_visible("".join(buffer)))
    return DocumentContent(rows=rows, text="\n".join(lines))
