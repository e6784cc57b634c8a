"""Build the Word and Excel fixtures from the two seed reports (run: python tests/documents/make_fixtures.py).

The seeds are real report texts (tests/fixtures/seed_NNN.txt; seed 000's is the demo portal's copy) and
tests/fixtures/seed_NNN_expected.json their exact cells. Each seed's three tables are laid out on the
2019 template grid with the merged cells Word and Excel write (group labels merged down, headers merged
across), labels and headers taken from the seed text and values from the expected JSON (the seed 003
text dropped its empty cells, so its value positions come from the JSON). Outputs, in
tests/fixtures/documents/: seed_<n>.docx and seed_<n>.xlsx (python-docx, openpyxl), and, when
LibreOffice is installed, seed_<n>.doc and seed_<n>.xls converted from them by `soffice --headless
--convert-to` (the produced files are committed, not the tool).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import openpyxl

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from archive.parsing.text_tables import text_rows  # noqa: E402 - reading the seed text only
from tests.support.fixture_files import DOCUMENTS as FIXTURES  # noqa: E402
from tests.support.fixture_files import fixture_path  # noqa: E402

SEEDS = ("000", "003")


@dataclass
class Table:
    """A table on a grid: cells as (row, col, rowspan, colspan, text)."""

    width: int
    cells: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    height: int = 0

    def row(self, *cells: tuple[str, int, int]) -> None:
        """Add a row of (text, colspan, rowspan) cells, skipping positions merged down from above."""
        col = 0
        for text, colspan, rowspan in cells:
            while self._covered(self.height, col):
                col += 1
            self.cells.append((self.height, col, rowspan, colspan, text))
            col += colspan
        self.height += 1

    def _covered(self, row: int, col: int) -> bool:
        return any(r < row < r + rs and c <= col < c + cs for r, c, rs, cs, _ in self.cells)


def value_text(spec) -> str:
    if isinstance(spec, dict):
        return spec["raw_text"]
    return "" if spec is None else str(spec)


def blocks(seed: str) -> list[str | Table]:
    """Paragraphs and tables of one seed, in order."""
    rows = [row.cells for row in text_rows(fixture_path(f"seed_{seed}.txt").read_text(encoding="utf-8"))]
    cells = json.loads(fixture_path(f"seed_{seed}_expected.json").read_text(encoding="utf-8"))["cells"]
    out: list[str | Table] = []
    i = 0
    while i < len(rows):
        first = rows[i][0]
        if first.startswith("第二十") and (not out or not isinstance(out[-1], Table)):
            i = _active(rows, i, cells["active"], out)
        elif "勾稽" in first:
            i = _requests(rows, i, cells["requests"], out)
        elif rows[i] in (("行政復議", "行政訴訟"), ("行政复议", "行政诉讼")):
            i = _review(rows, i, cells.get("review_litigation"), out)
        else:
            out.append(" ".join(rows[i]))
            i += 1
    return out


def _active(rows, i, expected: dict, out: list) -> int:
    table, keys = Table(4), iter(expected)
    while i < len(rows) and not re.match(r"^([一二三四]、|\(注)", rows[i][0]):
        first = rows[i][0]
        if first.startswith("第二十") or first.startswith("信息") or re.match("填报|单位负责人|联系电话", first):
            texts = list(rows[i])
        else:
            texts = [first] + [value_text(v) for v in expected[next(keys)].values()]
        spans = [1] * (len(texts) - 1) + [4 - len(texts) + 1]  # the last cell fills the row
        table.row(*[(t, s, 1) for t, s in zip(texts, spans)])
        i += 1
    out.append(table)
    return i


def _requests(rows, i, expected: dict, out: list) -> int:
    table, keys = Table(10), iter(expected)
    note, applicant = rows[i]
    org, (person, _, total), kinds = (rows[i + 1][1], rows[i + 1], rows[i + 2])
    table.row((note, 3, 3), (applicant, 7, 1))
    table.row((person, 1, 2), (org, 5, 1), (total, 1, 2))
    table.row(*[(k, 1, 1) for k in kinds])
    i += 3
    in_results = False
    key = None
    while i < len(rows) and key != "carried_forward":
        labels = list(rows[i])
        while labels and re.fullmatch(r"[\d.\-]*", labels[-1]) and len(labels) > 1:
            labels.pop()
        key = next(keys)
        values = [(value_text(v), 1, 1) for v in expected[key].values()]
        cells: list[tuple[str, int, int]] = []
        if re.match(r"^三\s*、", labels[0]):
            in_results = True
            cells.append((labels.pop(0), 1, _results_rows(expected)))
        if labels[0].startswith(("(", "（")) and len(labels) == 2:
            group = _group_rows(expected, key)
            cells += [(labels[0], 1, group), (labels[1], 1, 1)]
        elif labels[0].startswith(("(", "（")):
            cells.append((labels[0], 2, 1))
        else:
            cells.append((labels[0], 1 if in_results and key != "carried_forward" else 3, 1))
        table.row(*cells, *values)
        i += 1
    out.append(table)
    return i


def _results_rows(expected: dict) -> int:
    keys = list(expected)
    return keys.index("total_processed") - keys.index("granted") + 1


def _group_rows(expected: dict, key: str) -> int:
    family = key.split(".")[0]
    return sum(1 for k in expected if k.split(".")[0] == family)


def _review(rows, i, expected, out: list) -> int:
    table = Table(15)
    review, litigation = rows[i]
    top, sub = rows[i + 1], rows[i + 2]
    table.row((review, 5, 1), (litigation, 10, 1))
    table.row(*[(t, 1, 2) for t in top[:5]], (top[5], 5, 1), (top[6], 5, 1))
    table.row(*[(t, 1, 1) for t in sub[5:]])
    i += 3
    if isinstance(expected, dict):
        table.row(*[(value_text(v), 1, 1) for row in expected.values() for v in row.values()])
        i += 1
    out.append(table)
    return i


def write_docx(content: list[str | Table], path: Path) -> None:
    document = docx.Document()
    for block in content:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=block.height, cols=block.width)
        table.style = "Table Grid"
        for r, c, rowspan, colspan, text in block.cells:
            cell = table.cell(r, c)
            if rowspan > 1 or colspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            cell.text = text
    document.save(path)


def write_xlsx(content: list[str | Table], path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "年度报告"
    row = 1
    for block in content:
        if isinstance(block, str):
            sheet.cell(row, 1, block)
            row += 1
            continue
        for r, c, rowspan, colspan, text in block.cells:
            # Numbers are stored as numbers, the way a filled-in template holds them.
            sheet.cell(row + r, c + 1, int(text) if re.fullmatch(r"-?\d+", text) else text or None)
            if rowspan > 1 or colspan > 1:
                sheet.merge_cells(start_row=row + r, start_column=c + 1,
                                  end_row=row + r + rowspan - 1, end_column=c + colspan)
        row += block.height
    book.save(path)


def convert(source: Path, extension: str) -> None:
    """A real binary Office file written by LibreOffice from the OOXML fixture."""
    soffice = shutil.which("soffice")
    if soffice is None:
        print(f"soffice not installed: {source.stem}.{extension} not rebuilt")
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", extension, "--outdir", str(source.parent), str(source)],
                       check=True, capture_output=True, timeout=300)


def main() -> None:
    for seed in SEEDS:
        content = blocks(seed)
        write_docx(content, FIXTURES / f"seed_{seed}.docx")
        write_xlsx(content, FIXTURES / f"seed_{seed}.xlsx")
        convert(FIXTURES / f"seed_{seed}.docx", "doc")
        convert(FIXTURES / f"seed_{seed}.xlsx", "xls")


if __name__ == "__main__":
    main()
