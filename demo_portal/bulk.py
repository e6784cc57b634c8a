"""A large portal for benchmarks and load tests: N report pages (each the real 上海市政府办公厅 2019
report page, corpus 021, under its own title) in a paged column under a disclosure area."""

from __future__ import annotations

from pathlib import Path

from demo_portal.site import Page, PortalSite

REPORT = (Path(__file__).resolve().parent / "content" / "shanghai_021.html").read_text(encoding="utf-8")
HTML = "text/html; charset=utf-8"


def _html(title: str, main: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<a href='/'>首页</a><a href='/xxgk/'>政府信息公开</a><h1>{title}</h1>{main}</body></html>").encode()


def report_path(n: int) -> str:
    return f"/xxgk/zfxxgknb/2020{n % 12 + 1:02d}/t2020_{n}.html"


def build_bulk_site(reports: int, per_page: int = 20) -> PortalSite:
    """Home → 政府信息公开 → 政府信息公开年报 column of `reports` report pages, `per_page` a list page."""
    pages = {"/index.html": Page("/index.html", _html("示范市人民政府", "<a href='/xxgk/'>政府信息公开</a>"), HTML),
             "/xxgk/index.html": Page("/xxgk/index.html",
                                      _html("政府信息公开", "<a href='/xxgk/zfxxgknb/'>政府信息公开年报</a>"), HTML)}
    items = [(report_path(n), f"示范市第{n}局2019年政府信息公开工作年度报告") for n in range(reports)]
    for path, title in items:
        pages[path] = Page(path, _html(title, REPORT), HTML, kind="report")
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)]
    for index, chunk in enumerate(chunks):
        name = "index.html" if index == 0 else f"index_{index}.html"
        following = f"<a href='index_{index + 1}.html'>下一页</a>" if index + 1 < len(chunks) else ""
        listing = "".join(f"<li><a href='{path}'>{title}</a></li>" for path, title in chunk)
        pages[f"/xxgk/zfxxgknb/{name}"] = Page(f"/xxgk/zfxxgknb/{name}",
                                               _html("政府信息公开年报", f"<ul>{listing}</ul>{following}"), HTML,
                                               kind="column")
    return PortalSite(pages=pages)
