"""The pages of a portal, built once as pure data: the demo site, and the pieces other sites are built from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from functools import cache

from demo_portal.bodies import body_html
from demo_portal.catalog import Document, content_bytes, content_text, load_catalog
from demo_portal.layout import ListItem, Metadata, article_main, document, list_main, list_page_name, section_main

COLUMN = "/zwgk/zfxxgk/zfxxgknb/"
COLUMN_TITLE = "政府信息公开年报"
HTML = "text/html; charset=utf-8"
_CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Page:
    path: str
    body: bytes
    content_type: str
    status: int = 200
    headers: tuple = ()
    kind: str = "page"  # home | area | column | list | report | decoy | attachment | nav | robots | redirect | disallowed
    title: str | None = None


@dataclass(frozen=True)
class ApiForm:
    """A list endpoint answering by parameters (query or POST form), as CMS list APIs do.

    Its answers are pages keyed `path?select1=v1&select2=v2` (in `select` order); a request
    without the `required` field values (the column's form fields) is answered 400.
    """

    path: str
    select: tuple[str, ...]
    required: tuple[tuple[str, str], ...] = ()
    method: str = "GET"

    def key(self, params: dict[str, str]) -> str | None:
        """The answer's page key for these request parameters, None when they are not the column's."""
        if any(params.get(name) != value for name, value in self.required) or any(
                name not in params for name in self.select):
            return None
        return self.path + "?" + "&".join(f"{name}={params[name]}" for name in self.select)


@dataclass(frozen=True)
class PortalSite:
    pages: dict[str, Page]
    broken_links: frozenset[str] = frozenset()  # linked from the column, answered with 404
    flaky: dict[str, int] = field(default_factory=dict)  # path -> status answered once before 200
    column: str = COLUMN
    api_forms: dict[str, ApiForm] = field(default_factory=dict)  # path -> its parameter form

    def paths_of(self, *kinds: str) -> set[str]:
        return {path for path, page in self.pages.items() if page.kind in kinds}

    def report_paths(self) -> set[str]:
        """What a correct crawl must archive as reports."""
        return self.paths_of("report")

    def attachment_paths(self) -> set[str]:
        return self.paths_of("attachment")

    def decoy_paths(self) -> set[str]:
        """Pages in the report column that are not reports."""
        return self.paths_of("decoy")

    def list_paths(self) -> set[str]:
        """Every list page of the report column, the first one included."""
        return self.paths_of("column", "list")


def last_modified(day: date) -> tuple[tuple[str, str], ...]:
    """The Last-Modified header of a page published that day (09:00 China time)."""
    stamp = datetime.combine(day, time(9, 0), _CHINA).astimezone(timezone.utc)
    return (("Last-Modified", format_datetime(stamp, usegmt=True)),)


def html_page(path: str, kind: str, title: str, html: str, *, day: date, charset: str = "utf-8") -> Page:
    """An HTML page encoded in its charset (characters it lacks as references), dated `day`."""
    return Page(
        path=path,
        body=html.encode(charset, errors="xmlcharrefreplace"),
        content_type=f"text/html; charset={charset}",
        headers=last_modified(day),
        kind=kind,
        title=title,
    )


def report_path(doc: Document) -> str:
    """Where a document of the catalog is published, under the report column."""
    return COLUMN + doc.href.removeprefix("./")


def _attachment_path(doc: Document) -> str:
    return report_path(doc).rsplit("/", 1)[0] + "/" + (doc.attachment or "")


_REPORT_CRUMBS = (("首页", "../../../../"), ("政务公开", "../../../"), ("政府信息公开", "../../"), (COLUMN_TITLE, "../"))


def document_pages(site_name: str, doc: Document, *, charset: str = "utf-8") -> list[Page]:
    """A document's article page (metadata header, body) and its PDF attachment if it has one."""
    meta = Metadata(
        index_no=doc.index_number,
        publisher=doc.publisher,
        written=(doc.written or doc.published).isoformat(),
        published=doc.published.isoformat(),
        title=doc.title,
        category=doc.category,
    )
    attachments = [(f"./{doc.attachment}", f"{doc.title}.pdf")] if doc.attachment else []
    main = article_main(meta, body_html(doc), attachments)
    html = document(site_name=site_name, title=doc.title, crumbs=_REPORT_CRUMBS, main=main, charset=charset)
    pages = [html_page(report_path(doc), doc.kind, doc.title, html, day=doc.published, charset=charset)]
    if doc.attachment:
        pages.append(
            Page(
                path=_attachment_path(doc),
                body=content_bytes(doc.file),
                content_type="application/pdf",
                headers=last_modified(doc.published),
                kind="attachment",
                title=f"{doc.title}.pdf",
            )
        )
    return pages


def column_pages(site_name: str, items: list[ListItem], page_size: int, day: date) -> list[Page]:
    """The report column: index.html, index_1.html … of `page_size` items each, with their pager."""
    chunks = [items[i : i + page_size] for i in range(0, len(items), page_size)] or [[]]
    crumbs = (("首页", "../../../"), ("政务公开", "../../"), ("政府信息公开", "../"), (COLUMN_TITLE, "./"))
    pages = []
    for index, chunk in enumerate(chunks):
        main = list_main(COLUMN_TITLE, chunk, index=index, count=len(chunks))
        html = document(site_name=site_name, title=COLUMN_TITLE, crumbs=crumbs, main=main)
        kind = "column" if index == 0 else "list"
        pages.append(html_page(COLUMN + list_page_name(index), kind, COLUMN_TITLE, html, day=day))
    return pages


def _section_pages(site_name: str, section: dict, day: date) -> list[Page]:
    path, title = section["path"], section["title"]
    articles = section.get("articles", [])
    items = []
    pages = []
    for article in articles:
        published = date.fromisoformat(article["date"])
        href = f"./{published:%Y%m}/t{published:%Y%m%d}_{article['id']}.html"
        items.append(ListItem(href, article["title"], article["date"]))
        main = section_main(article["title"], article["text"])
        crumbs = (("首页", "/"), (title, path))
        html = document(site_name=site_name, title=article["title"], crumbs=crumbs, main=main)
        pages.append(html_page(path + href[2:], "nav", article["title"], html, day=published))
    main = section_main(title, section.get("text", []), [tuple(link) for link in section.get("links", [])])
    if items:
        main += list_main(title, items)
    html = document(site_name=site_name, title=title, crumbs=(("首页", "/"), (title, path)), main=main)
    pages.append(html_page(path + "index.html", section["kind"], title, html, day=day))
    return pages


def _home_page(site_name: str, sections: list[dict], day: date) -> Page:
    news = next(s for s in sections if s["path"] == "/xwdt/")
    items = [
        ListItem(f"/xwdt/{a['date'][:7].replace('-', '')}/t{a['date'].replace('-', '')}_{a['id']}.html", a["title"], a["date"])
        for a in news["articles"]
    ]
    links = [("政务公开", "/zwgk/"), ("政府信息公开", "/zwgk/zfxxgk/"), ("政策文件", "/zwgk/zcwj/"), ("办事服务", "/bsfw/")]
    main = section_main("首页", ["欢迎访问" + site_name + "门户网站。"], links) + list_main("新闻动态", items)
    html = document(site_name=site_name, title="首页", crumbs=(("首页", "/"),), main=main)
    return html_page("/index.html", "home", site_name, html, day=day)


def robots(disallow: str) -> Page:
    """/robots.txt disallowing one path to every user agent."""
    body = f"User-agent: *\nDisallow: {disallow}\n".encode()
    return Page(path="/robots.txt", body=body, content_type="text/plain; charset=utf-8", kind="robots")


def redirect(path: str, target: str, status: int) -> Page:
    """A redirect (301, 302…) from `path` to `target`."""
    return Page(path=path, body=b"", content_type=HTML, status=status, headers=(("Location", target),), kind="redirect")


@cache
def _sections() -> list[dict]:
    return json.loads(content_text("sections.json"))


def area_pages(site_name: str, day: date) -> list[Page]:
    """The home page and every section of the site (news, the disclosure area, services…)."""
    pages = [_home_page(site_name, _sections(), day)]
    for section in _sections():
        pages += _section_pages(site_name, section, day)
    return pages


def column_items(documents: tuple[Document, ...]) -> list[ListItem]:
    """The report column's entries, one per document, in catalog order."""
    return [ListItem(doc.href, doc.title, doc.published.isoformat()) for doc in documents]


@cache
def build_demo_site(*, list_page_size: int = 5) -> PortalSite:
    """The demo portal: home page, areas, and the paged report column with its reports and decoys."""
    site_name, documents = load_catalog()
    newest = documents[0].published
    pages = area_pages(site_name, newest)
    for doc in documents:
        pages += document_pages(site_name, doc)
    pages.append(robots("/search/"))
    pages += column_pages(site_name, column_items(documents), list_page_size, newest)
    return PortalSite(pages={page.path: page for page in pages})
