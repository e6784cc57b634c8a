"""Table 3 header layouts: blank cells instead of rowspans must not be read as the data row."""

import lxml.html

from archive.parsing.tables import extract_tables_from_html

LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def _table(third_header: list[str]) -> str:
    cells = lambda texts: "".join(f"<td>{t}</td>" for t in texts)  # noqa: E731
    values = [376, 97, 196, 121, 790, 16, 1, 12, 27, 56, 74, 1, 30, 51, 156]
    return ("<table><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
            f"<tr>{cells(LABELS)}<td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr>"
            f"<tr>{cells(third_header)}</tr><tr>{cells(values)}</tr></table>")


def test_blank_cells_under_the_review_header_are_a_header_row():
    html = _table([""] * 5 + LABELS * 2)  # the five 复议 labels not spanned down: blanks instead
    result = extract_tables_from_html(lxml.html.fromstring(html))
    values = {(c.row_key, c.col_key): c.value for c in result.cells}
    assert values[("review", "total")] == 790
    assert values[("litigation_direct", "upheld")] == 16
    assert values[("litigation_after_review", "total")] == 156
    assert result.problems == []
