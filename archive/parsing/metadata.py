"""Report-level metadata: page header fields (§10.4), title (§10.3), agency, region, data year, dates.

Works on text lines (one per paragraph/table row, table cells ended by " |"), so HTML and text
documents share one code path. Values that are stored (title, agency, header fields) are read from
``value_form`` text (archive.normalize.normalize_text: pinyin stripped, NFKC, simplified script,
simplified words never rewritten). Years are read from the fully normalized text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from archive.classify import is_report_title, title_agency, title_names_report, title_tag_parts, title_year
from archive.content import HtmlHints
from archive.normalize import CJK, compact, normalize_text, normalize_texts

# §10.4 label variants → ASCII field names. Labels that are recognized but not stored (None) still
# end the value before them ("文 号 | 有 效 性 |").
_LABELS: dict[str, str | None] = {
    "索引号": "index_no",
    "发布机构": "publisher", "发文单位": "publisher", "信息来源": "publisher", "来源": "publisher",
    "成文日期": "written", "发文日期": "written", "公文生成日期": "written", "生成日期": "written",
    "发布日期": "published", "公开日期": "published", "发布时间": "published", "时间": "published",
    "公开方式": "disclosure_mode", "公开范围": "disclosure_mode",
    "组配分类": "category", "信息分类": "category", "公开目录": "category", "分类": "category",
    "栏目": "category",
    "主题分类": "topic", "主题导航": "topic", "主题词": "topic",
    "备注/文号": "doc_no", "发文字号": "doc_no", "发布文号": "doc_no", "文号": "doc_no",
    "信息名称": "name", "公文名称": "name", "名称": "name", "标题": "name",
    "有效性": None, "时效": None, "关键词": None, "内容概述": None, "生效时间": None,
    "终止时间": None, "废止日期": None, "原文链接": None, "本地目录": None,
}
_DATE_FIELDS = ("written", "published")


def _spaced(label: str) -> str:
    # Narrow header cells print labels with spaces between characters: "索 引 号".
    return r"\s*".join(re.escape(ch) for ch in label)


_LABEL_ALT = "|".join(_spaced(label) for label in sorted(_LABELS, key=len, reverse=True))
_CELL_LABEL = re.compile(rf"^(?P<label>{_LABEL_ALT})\s*(?P<colon>:)?\s*(?P<rest>.*)$", re.S)
_LABEL_STARTS = frozenset(label[0] for label in _LABELS)  # a cell is tried as a label only from one of them
# (?<!\s): a whitespace run is tried from its first character only (linear, not quadratic, in its length).
_INLINE_LABEL = re.compile(rf"(?<!\s)\s+(?={_LABEL_ALT}\s*:)")
_WS = re.compile(r"\s+")

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")

# A title quoted or announced in the intro: 《…年度报告》, "现公布…年度报告".
_EMBEDDED_TITLE = re.compile(
    r"《(?P<q>[^《》]{4,80}?(?:年度报告|年报))》"
    r"|(?:现公布|特向社会公布|现予公布|现将)(?P<v>[^,。;:《》]{4,60}?(?:年度报告|年报))"
)
_COMPILED_BY = re.compile(rf"本(?:年度)?报告由(?P<agency>[{CJK}()]{{3,40}}?)(?:根据|依据|按照|编制|汇总)")

_ORG_SUFFIX = re.compile(r"(?:委员会|人民政府|政府|管委会|办事处|局|厅|办公室|委|办|中心|院|镇|乡|街道|所|站|处)$")

# Leading place names (a deliberately small gazetteer rule): 2-7 characters then an
# administrative suffix, repeated ("重庆市九龙坡区二郎街道"). One-character names (沛县) are missed.
_PLACE_UNIT = re.compile(rf"[{CJK}]{{2,7}}?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|镇|乡|街道)")
_NOT_PLACE = re.compile(r"政府|人民|委员|办公|管理|机关|部门|本")

_PERIOD = re.compile(r"统计(?:期限|时限|周期|时间|区间|范围|数据)?")
_PERIOD_WINDOW = re.compile(r"[^。;]{0,60}")
_PERIOD_MARK = re.compile(r"至|到|止|1月1|12月31|-")
_YEAR_IN_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d{2})")
_YEAR_MENTION = re.compile(r"(?<![\d〔\[])((?:19|20)\d{2})\s*年")
_INTRO_CHARS = 5000  # where "本报告由…编制", an announced title and the agency's full name appear
_SIGNATURE_DATE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


@dataclass
class ReportMetadata:
    """The report-level fields of ParsedReport, before tables and checks."""

    title: str | None = None
    agency: str | None = None
    region: str | None = None
    year: int | None = None
    published: str | None = None
    index_no: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


_SECTION_ONE = re.compile(r"\s*一、")
_LINE_CHARS = 400  # metadata and title lines are short; collapsed pages put a whole page on a line


def value_form(text: str) -> str:
    """Pinyin stripped, NFKC, simplified script: the form stored values are read from."""
    return normalize_text(text)


def iso_date(value: str) -> str | None:
    """'2023/01/18 11:34:01', '2020年1月31日', '2012-04-11 00:00' → ISO date."""
    match = _DATE.search(value)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _label_field(label: str) -> str | None:
    return _LABELS[_WS.sub("", label)]


def _store(fields: dict[str, str], name: str | None, value: str) -> None:
    value = value.strip().strip("|").strip()
    if not name or not value or name in fields:
        return
    if name in _DATE_FIELDS:
        date = iso_date(value)
        if date is None:
            return  # "时间" or "发布时间" followed by something that is not a date
        value = date
    fields[name] = value


def _cells(line: str) -> list[str]:
    cells: list[str] = []
    for cell in line.split("|"):
        cell = cell.strip()
        if ":" not in cell:  # no inline label: each needs its colon
            if cell:
                cells.append(cell)
            continue
        # "来源:X 时间:Y" in one cell is two label/value pairs.
        cells.extend(part.strip() for part in _INLINE_LABEL.split(cell) if part.strip())
    return cells


def _label(cell: str) -> re.Match[str] | None:
    """The cell as "label[:] value", when it starts with a header label."""
    return _CELL_LABEL.match(cell) if cell[:1] in _LABEL_STARTS else None


def page_metadata(lines: list[str]) -> dict[str, str]:
    """Label/value pairs of the page metadata header: "label: value", "label: | value |", "label | value |"."""
    fields: dict[str, str] = {}
    for line in lines:
        pending: str | None = None
        has_pending = False
        for cell in _cells(line):
            match = _label(cell)
            if match and (match["colon"] or not match["rest"]):
                if match["rest"]:
                    _store(fields, _label_field(match["label"]), match["rest"])
                    has_pending = False
                else:
                    pending, has_pending = _label_field(match["label"]), True
            elif has_pending:
                _store(fields, pending, cell)
                has_pending = False
    return fields


def clean_title(raw: str) -> str:
    return compact(value_form(raw)).strip("|").strip()


def _is_field_line(line: str) -> bool:
    """A metadata header line ("发布机构: ", "索 引 号 | … |"), even with an empty value."""
    cells = _cells(line)
    match = _label(cells[0]) if cells else None
    return bool(match) and bool(match["colon"] or "|" in line)


def _head_title(lines: list[str]) -> str | None:
    """The first report-like line near the top, joined with the next one when the title wraps."""
    for index, line in enumerate(lines[:15]):
        if _is_field_line(line):
            continue  # "标题: …" and header rows are fields, not the title line
        candidate = clean_title(line)
        if len(candidate) > 80:
            continue
        following_line = lines[index + 1] if index + 1 < len(lines) else ""
        following = "" if _is_field_line(following_line) else clean_title(following_line)
        joined = candidate + following
        # "洪泽区人民政府" / "2023年…年度报告" and "…工作" / "年度报告" are one title; a column label
        # ("政府信息公开") above a complete title is not part of it.
        if (following and len(joined) <= 80 and not title_agency(following)
                and not title_names_report(candidate) and title_names_report(joined)):
            return joined
        if is_report_title(candidate):
            return candidate
    return None


def _embedded_title(text: str) -> str | None:
    match = _EMBEDDED_TITLE.search(text)
    return clean_title(match["q"] or match["v"]) if match else None


def _html_title_candidates(hints: HtmlHints) -> list[str]:
    candidates = [hints.meta_title, hints.h1]
    if hints.title_tag:
        # <title> is often "report title - site name"; keep the report-like part.
        parts = title_tag_parts(hints.title_tag)
        candidates.extend(sorted(parts, key=lambda p: not is_report_title(p)))
    return [clean_title(c) for c in candidates if c and clean_title(c)]


def find_title(lines: list[str], text: str, fields: dict[str, str], hints: HtmlHints,
               title_hint: str | None) -> tuple[str | None, bool]:
    """(title, strong): strong titles come from the page itself rather than the body text."""
    strong = _html_title_candidates(hints) + [clean_title(fields.get("name", ""))]
    strong = [c for c in strong if c]
    for candidate in strong:
        if is_report_title(candidate):
            return candidate, True
    head = _head_title(lines)
    if head:
        return head, True
    embedded = _embedded_title(text)
    if embedded:
        return embedded, False
    hint = clean_title(title_hint) if title_hint else ""
    if hint and is_report_title(hint):
        return hint, True
    fallback = strong + ([hint] if hint else [])
    return (fallback[0], True) if fallback else (None, False)


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """(agency, ISO date) of a closing signature block "智慧新城管理委员会 / 2020年1月31日"."""
    tail = [line.strip() for line in lines[-6:] if line.strip()]
    for index in range(len(tail) - 1, 0, -1):
        date = _SIGNATURE_DATE.match(tail[index])
        name = compact(tail[index - 1])
        if date and len(name) <= 30 and re.fullmatch(rf"[{CJK}()]+", name) and _ORG_SUFFIX.search(name):
            return name, iso_date(tail[index])
    return None, None


def _with_place_prefix(name: str, text: str) -> str:
    """Expand a signed name with the place the body writes in front of it (衢州市+智慧新城管理委员会).

    The place is the suffix of the preceding characters ending in 省/市/区/县 that the body also
    writes after a punctuation mark or line start ("《衢州市…", "地址:衢州市…"), i.e. as a word.
    """
    flat = compact(text)
    for match in re.finditer(re.escape(name), flat):
        before = flat[max(0, match.start() - 8):match.start()]
        candidates = [before[i:] for i in range(len(before) - 2) if before[-1] in "省市区县"]
        counts = {c: len(re.findall(rf"(?:^|(?<=[^{CJK}])){re.escape(c)}", flat)) for c in candidates}
        best = max(candidates, key=lambda c: (counts[c], len(c)), default=None)
        if best and counts[best]:
            return best + name
    return name


def find_agency(title: str | None, strong_title: bool, text: str, lines: list[str],
                fields: dict[str, str]) -> str | None:
    """Title (pre/mid) → "本报告由X编制" → signature block → announced title → 发布机构."""
    if title and strong_title:
        agency = title_agency(title)
        if agency:
            return agency
    compiled = _COMPILED_BY.search(compact(text))
    if compiled:
        return compiled["agency"]
    signed, _ = _signature(lines)
    if signed:
        return _with_place_prefix(signed, text)
    if title:
        agency = title_agency(title)
        if agency:
            return agency
    return fields.get("publisher")


def find_region(*names: str | None) -> str | None:
    """The leading chain of place names of the first name that has one ("福州市晋安区")."""
    for name in names:
        if not name:
            continue
        name, region, position = compact(name), "", 0
        while match := _PLACE_UNIT.match(name, position):
            if _NOT_PLACE.search(match.group()):
                break
            region += match.group()
            position = match.end()
        if region:
            return region
    return None


def _period_year(text: str) -> int | None:
    flat = compact(text)
    for match in _PERIOD.finditer(flat):
        window = _PERIOD_WINDOW.match(flat, match.end()).group()
        years = [int(y) for y in _YEAR_IN_PERIOD.findall(window)]
        if years and _PERIOD_MARK.search(window):
            return max(years)  # "自2003年至2008年" is the 2008 report
    return None


def _mentioned_year(text: str) -> int | None:
    """The year the body talks about most ("2020年,我局共收到…"); ties go to the later year."""
    counts = Counter(int(y) for y in _YEAR_MENTION.findall(text))
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))


def find_year(title: str | None, text: str, published: str | None) -> int | None:
    """Title year → statistics period → publication year − 1 → most mentioned year."""
    year = title_year(title)
    if year:
        return year
    period = _period_year(text)
    if period:
        return period
    if published:
        return int(published[:4]) - 1
    return _mentioned_year(text)


def head_lines(lines: list[str], limit: int = 80) -> list[str]:
    """The lines where a metadata header can be: the top of the page, up to the first section."""
    head: list[str] = []
    for line in lines[:limit]:
        if head and _SECTION_ONE.match(line):
            break
        head.append(line)
    return head


def extract_metadata(lines: list[str], text: str, hints: HtmlHints | None = None,
                     title_hint: str | None = None) -> ReportMetadata:
    """All report-level fields of one document.

    lines: its text lines as printed (not normalized); text: the fully normalized text.
    """
    hints = hints or HtmlHints()
    head_and_tail = [line[:_LINE_CHARS] for line in head_lines(lines)]
    cut = len(head_and_tail)
    head_and_tail = normalize_texts(head_and_tail + [line[-_LINE_CHARS:] for line in lines[-6:]])
    head, tail = head_and_tail[:cut], head_and_tail[cut:]
    intro = value_form("\n".join(lines)[:_INTRO_CHARS])
    fields = {name: value_form(value).strip() for name, value in hints.meta_fields.items()}
    fields = {name: iso_date(value) or value if name in _DATE_FIELDS else value
              for name, value in fields.items() if value}
    for name, value in page_metadata(head).items():
        fields.setdefault(name, value)
    _, signed_date = _signature(tail)
    if signed_date:
        fields.setdefault("written", signed_date)
    title, strong = find_title(head, intro, fields, hints, title_hint)
    agency = find_agency(title, strong, intro, tail, fields)
    published = fields.get("published") or fields.get("written")
    return ReportMetadata(
        title=title,
        agency=agency,
        region=find_region(agency, title, fields.get("publisher")),
        year=find_year(title, text, published),
        published=published if published and iso_date(published) else None,
        index_no=fields.get("index_no"),
        fields=fields,
    )
