"""Page chrome of a TRS-style portal: header and footer menus, breadcrumbs, list pages, pager, article."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

HEADER_MENU = (
    ("首页", "/"),
    ("政务公开", "/zwgk/"),
    ("政策文件", "/zwgk/zcwj/"),
    ("新闻动态", "/xwdt/"),
    ("互动交流", "/hdjl/"),
    ("办事服务", "/bsfw/"),
)
FOOTER_MENU = (("关于本站", "/gywm/"), ("联系我们", "/lxwm/"), ("网站地图", "/wzdt/"))


@dataclass(frozen=True)
class ListItem:
    href: str
    title: str
    date: str


@dataclass(frozen=True)
class Metadata:
    """政府信息公开目录 header fields (format-spec §10.4)."""

    index_no: str
    publisher: str
    written: str
    published: str
    title: str
    category: str
    topic: str = "综合政务"
    doc_no: str = ""
    disclosure: str = "主动公开"


def _links(menu: Sequence[tuple[str, str]]) -> str:
    return "".join(f'<li><a href="{href}">{escape(name)}</a></li>' for name, href in menu)


def document(*, site_name: str, title: str, crumbs: Sequence[tuple[str, str]], main: str, charset: str = "utf-8") -> str:
    """A whole page: head, header menu, breadcrumb, main block, footer."""
    trail = " &gt; ".join(f'<a href="{href}" class="CurrChnlCls">{escape(name)}</a>' for name, href in crumbs)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="SiteName" content="{escape(site_name)}">
<meta name="ArticleTitle" content="{escape(title)}">
<title>{escape(title)}_{escape(site_name)}</title>
<link rel="stylesheet" type="text/css" href="/images/style.css">
</head>
<body>
<div class="header">
<div class="logo"><a href="/"><img src="/images/logo.png" alt="{escape(site_name)}"></a></div>
<ul class="nav">{_links(HEADER_MENU)}</ul>
</div>
<div class="main">
<div class="position">当前位置：{trail}</div>
{main}
</div>
<div class="footer">
<ul class="footer_nav">{_links(FOOTER_MENU)}</ul>
<p>主办：{escape(site_name)}办公室 网站标识码：3599000001 ICP备案号：闽ICP备00000000号</p>
</div>
</body>
</html>
"""


def list_page_name(index: int) -> str:
    """TRS list pages: index.html, index_1.html, index_2.html …"""
    return "index.html" if index == 0 else f"index_{index}.html"


def pager(index: int, count: int) -> str:
    """首页 / 上一页 / page numbers / 下一页 / 尾页, links relative to the column directory."""

    def link(target: int, text: str) -> str:
        return f'<a href="{list_page_name(target)}">{text}</a>'

    parts = [link(0, "首页")]
    parts.append(link(index - 1, "上一页") if index > 0 else '<span class="disabled">上一页</span>')
    parts += [f'<span class="current">{n + 1}</span>' if n == index else link(n, str(n + 1)) for n in range(count)]
    parts.append(link(index + 1, "下一页") if index < count - 1 else '<span class="disabled">下一页</span>')
    parts.append(link(count - 1, "尾页"))
    parts.append(f"<span>共{count}页</span>")
    return '<div class="page">' + " ".join(parts) + "</div>"


def list_main(column: str, items: Sequence[ListItem], *, index: int = 0, count: int = 1) -> str:
    rows = "\n".join(
        f'<li><a href="{escape(item.href)}" target="_blank" title="{escape(item.title)}">{escape(item.title)}</a>'
        f"<span>{item.date}</span></li>"
        for item in items
    )
    paging = pager(index, count) if count > 1 else ""
    return f'<div class="list_box"><h2 class="column_title">{escape(column)}</h2>\n<ul class="list">\n{rows}\n</ul>\n{paging}</div>'


def metadata_table(meta: Metadata) -> str:
    def row(*pairs: tuple[str, str]) -> str:
        span = " colspan=3" if len(pairs) == 1 else ""
        return "<tr>" + "".join(f'<td class="label">{k}：</td><td{span}>{escape(v)}</td>' for k, v in pairs) + "</tr>"

    return (
        '<table class="xxgk_table" cellspacing="0" cellpadding="0">'
        + row(("索 引 号", meta.index_no), ("主题分类", meta.topic))
        + row(("发布机构", meta.publisher), ("成文日期", meta.written))
        + row(("名　　称", meta.title))
        + row(("文　　号", meta.doc_no), ("发布日期", meta.published))
        + row(("公开方式", meta.disclosure), ("组配分类", meta.category))
        + "</table>"
    )


def article_main(meta: Metadata, body: str, attachments: Sequence[tuple[str, str]] = ()) -> str:
    """An article page of the 政府信息公开 catalogue: metadata header, title, body, 附件 block."""
    files = "".join(f'<li><a href="{escape(href)}">{escape(name)}</a></li>' for href, name in attachments)
    attached = f'<div class="fj"><span>附件：</span><ul>{files}</ul></div>' if attachments else ""
    source = f"来源：{escape(meta.publisher)}" if meta.publisher else ""
    return (
        f'<div class="xxgk_detail">{metadata_table(meta)}\n'
        f'<div class="article"><h1 class="article_title">{escape(meta.title)}</h1>\n'
        f'<div class="article_info"><span>发布时间：{meta.published}</span> <span>{source}</span></div>\n'
        f'<div class="TRS_Editor" id="zoom">\n{body}\n</div>\n{attached}</div></div>'
    )


def section_main(title: str, paragraphs: Sequence[str], links: Sequence[tuple[str, str]] = ()) -> str:
    """A plain column or area page: a heading, some text and a menu of sub-columns."""
    text = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    menu = f'<ul class="sub_nav">{_links(links)}</ul>' if links else ""
    return f'<div class="section"><h2 class="column_title">{escape(title)}</h2>{menu}{text}</div>'
