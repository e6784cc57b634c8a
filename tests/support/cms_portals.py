"""Fixture portals whose report column is served the way the big government CMS products serve it.

Same home, areas and documents as the demo portal (the real report texts of demo_portal/content/); only the
report column differs, one portal per list form:

- trs_pages: TRS WCM list pages index.html, index_1.html … announced only by createPageHTML(…).
- trs_api: the real 平潭 column (corpus L01a/L01b: static first page, `list2.trsapi` listModel
  config); further pages only from POST /fjdzapp/search (form and JSON answer fields as used
  against www.pingtan.gov.cn by the changwu/pingtan-gov-zwgk-archive crawler, _crawler/crawler.js).
- hanweb: records in a <script type="text/xml"><datastore> island (record markup of a real 定西
  dataproxy answer), jpage config as on 南通's Hanweb portal (`$('#49468').jpage({…, ajaxParam:
  {col:1,appid:'1',webid:60,path:'/',columnid:30067,unitid:'49468',…}})`); further groups only by
  POST dataproxy.jsp?startrecord=…&endrecord=…&perpage=… with those fields, answering <datastore>
  with <totalrecord>.
- hanweb_annual_report: module/xxgk/xxgkAnnualReport.jsp?area=…&fbtime=…, one agency's report per
  year, reached from the newest one's year menu.
- json_api: an empty list filled by `$.ajax` from a JSON endpoint (answer shaped as gkmlpt's
  /gkmlpt/api/all: {"total", "articles": [{"title", "url", …}]}).
- plain: a GET page form (共N页 + <input name="page">) and a <select> jump menu to a sub-column.
"""

from __future__ import annotations

import json
import math
from datetime import date
from functools import cache
from html import escape

from demo_portal.catalog import Document, load_catalog
from demo_portal.layout import ListItem, document, list_main
from demo_portal.site import (
    COLUMN, COLUMN_TITLE, ApiForm, Page, PortalSite, area_pages, column_items, document_pages, html_page,
    last_modified, report_path, robots,
)

FORMS = ("trs_pages", "trs_api", "hanweb", "hanweb_annual_report", "json_api", "plain")
_CRUMBS = (("首页", "../../../"), ("政务公开", "../../"), ("政府信息公开", "../"), (COLUMN_TITLE, "./"))
PAGE_SIZE = 5
TRS_CHANNEL, TRS_SEARCH_ID = "1813", "200210"
HANWEB_UNIT, HANWEB_COLUMN = "391547", "1813"
HANWEB_PER_PAGE, HANWEB_GROUP = 2, 3
ANNUAL_AREA = "11350128MB0000001X"
ANNUAL_MODULE = "/module/xxgk/xxgkAnnualReport.jsp"


def _json_page(path: str, data: object, day: date, kind: str = "api") -> Page:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Page(path, body, "application/json;charset=UTF-8", headers=last_modified(day), kind=kind)


def _column_page(site_name: str, path: str, main: str, day: date, kind: str = "column") -> Page:
    html = document(site_name=site_name, title=COLUMN_TITLE, crumbs=_CRUMBS, main=main)
    return html_page(path, kind, COLUMN_TITLE, html, day=day)


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


# -- TRS ----------------------------------------------------------------------------------------
def _trs_pages(site_name: str, documents: tuple[Document, ...], day: date) -> tuple[list[Page], dict]:
    chunks = _chunks(column_items(documents), PAGE_SIZE)
    pages = []
    for index, chunk in enumerate(chunks):
        script = f'<script type="text/javascript">createPageHTML({len(chunks)}, {index}, "index", "html");</script>'
        name = "index.html" if index == 0 else f"index_{index}.html"
        pages.append(_column_page(site_name, COLUMN + name, list_main(COLUMN_TITLE, chunk) + script, day,
                                  "column" if index == 0 else "list"))
    return pages, {}


def _l01_row(item: ListItem) -> str:
    """One static row, markup as in corpus L01a.html."""
    return f"""
                                        <dl>
                                            <dd class="trt-col-sm-24 slb-trt-col-24 text_align_left">
                                                <a href="{escape(item.href)}" target="_blank" title="{escape(item.title)}">{escape(item.title)}</a>
                                            </dd>
                                            <dd class="trt-col-4 trt-col-sm-24 slb-trt-col-24 text_align_left">
                                                {item.date}
                                            </dd>
                                        </dl>
"""


def _l01_main(items: list[ListItem], record_count: int) -> str:
    """The 平潭 column's list block and scripts (corpus L01a/L01b), its static rows replaced by ours."""
    rows = "".join(_l01_row(item) for item in items)
    return f"""<div class="list_box"><h2 class="column_title">{COLUMN_TITLE}</h2>
                                <div class="rules_tabs_01 rules_tabs_no_bg" ms-visible="showStatic">
{rows}
                                </div>
                                <div class="rules_tabs_01 rules_tabs_no_bg" ms-visible="!showStatic" style="display: none">
                                    <dl ms-if="list.length>0" ms-repeat="list" ms-if-loop="$index<10">
                                        <dd class="trt-col-sm-24 slb-trt-col-24 text_align_left">
                                            <a ms-attr-href="el.chnldocurl" ms-attr-title="el.doctitle" ms-text="el.doctitle|html" target="_blank"></a>
                                        </dd>
                                    </dl>
                                </div>
                                <div class="page_base mar_t_base" ms-controller="list_pagebar" ms-include-src="pgTemp" ms-if="pageCount>0"></div></div>
    <script>
    var SiteInfo = {{
        //was4doc: 290792,  //文档检索的was频道号
        itpSiteId: 21,    //互动站点ID
        searchId: {TRS_SEARCH_ID}, //默认的文档检索频道的ID
        defaultPgTemp: "pgBar_pt.html",  //本站点默认的分页模板名
        registerUrl : "https://iam.e-govt.cn:8901/register?appId=8976f209-c26f-4155-a5a1-f469d75bc4a5&redirect_uri=",
        openSlb: true,//是否开启适老版
    }};
</script>
    <script>
        require(["list2.trsapi", "tools"], function(listModel, tools) {{
            listModel({{
                quickMode: "动静结合",
                maxStaticIndex: 1,
                listArgs: {{
                    channelid: SiteInfo.searchId,
                    classsql: "" || "chnlid={TRS_CHANNEL}",
                    sortfield: "-docorderpri,-docreltime"
                }},
                pagebar: {{
                    prepage: {PAGE_SIZE},
                    recordCount: '{record_count}',
                    pgTemp: "pgBar_xxgk.html",
                    pgCountMode: "recordCount",
                    displayNum: 2
                }}
            }});
        }});
    </script>"""


def _trs_api(site_name: str, documents: tuple[Document, ...], day: date) -> tuple[list[Page], dict]:
    chunks = _chunks(list(documents), PAGE_SIZE)
    pages = [_column_page(site_name, COLUMN + "index.html", _l01_main(column_items(documents[:PAGE_SIZE]), len(documents)),
                          day)]
    form = ApiForm("/fjdzapp/search", ("page",), (("channelid", TRS_SEARCH_ID), ("classsql", f"chnlid={TRS_CHANNEL}"),
                                                  ("prepage", str(PAGE_SIZE))), "POST")
    for number, chunk in enumerate(chunks[1:], start=2):
        data = {"pageCount": len(chunks), "pageIndex": number, "recordCount": len(documents), "data": [
            {"doctitle": doc.title, "docreltime": f"{doc.published} 09:00:00", "pubdate": doc.published.isoformat(),
             "chnldocurl": report_path(doc), "docpuburl": report_path(doc), "chnlid": int(TRS_CHANNEL),
             "doctype": 20} for doc in chunk]}
        pages.append(_json_page(form.key({"page": str(number), **dict(form.required)}), data, day))
    return pages, {form.path: form}


# -- Hanweb -------------------------------------------------------------------------------------
def _hanweb_record(doc: Document) -> str:
    """A record, markup as in a real 定西 dataproxy answer."""
    return (f'<record><![CDATA[\n        <li class="clearfix">    <a target="_blank" href="{report_path(doc)}" '
            f'title="{escape(doc.title)}">{escape(doc.title)}</a>    <b>{doc.published}</b></li>]]></record>\n')


def _hanweb(site_name: str, documents: tuple[Document, ...], day: date) -> tuple[list[Page], dict]:
    group = HANWEB_PER_PAGE * HANWEB_GROUP
    params = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": HANWEB_COLUMN,
              "sourceContentType": "1", "unitid": HANWEB_UNIT, "webname": site_name, "permissiontype": "0"}
    nextgroup = ("/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid="
                 f"{HANWEB_COLUMN}&unitid={HANWEB_UNIT}&webname={site_name}&permissiontype=0")
    island = (f'<div id="{HANWEB_UNIT}"><script type="text/xml"><datastore>\n'
              f'<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>\n<recordset>\n'
              + "".join(_hanweb_record(doc) for doc in documents[:group]) + "</recordset>\n</datastore></script></div>")
    script = (f"<script>$(function(){{$('#{HANWEB_UNIT}').jpage({{themeName:'default',showMode:'full',"
              f"totalRecord:{len(documents)},openCookies:false,dataBefore:'',dataStore:'',dataAfter:'',"
              f"groupSize:{HANWEB_GROUP},proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:{HANWEB_PER_PAGE},"
              f"barPosition:'bottom',ajaxParam:{{col:1,appid:'1',webid:1,path:'/',columnid:{HANWEB_COLUMN},"
              f"sourceContentType:1,unitid:'{HANWEB_UNIT}',webname:'{site_name}',permissiontype:0}}}});}});</script>")
    main = f'<div class="list_box"><h2 class="column_title">{COLUMN_TITLE}</h2>{island}</div>{script}'
    pages = [_column_page(site_name, COLUMN + "index.html", main, day)]
    form = ApiForm("/module/web/jpage/dataproxy.jsp", ("startrecord", "endrecord"),
                   tuple((k, v) for k, v in params.items()), "POST")
    for start in range(group, len(documents), group):
        records = "".join(_hanweb_record(doc) for doc in documents[start:start + group])
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(documents)}</totalrecord>'
               f'<totalpage>{math.ceil(len(documents) / HANWEB_PER_PAGE)}</totalpage><recordset>\n{records}'
               "</recordset></datastore>")
        key = form.key({"startrecord": str(start + 1), "endrecord": str(start + group), **params})
        pages.append(Page(key, xml.encode("utf-8"), "text/xml;charset=UTF-8", headers=last_modified(day), kind="api"))
    return pages, {form.path: form}


def _annual_reports(site_name: str, documents: tuple[Document, ...], day: date) -> tuple[list[Page], dict]:
    """One agency's reports (平潭, one per year) in the module; the years without one answer 暂无."""
    mine = {doc.published.year - 1: doc for doc in documents
            if doc.kind == "report" and doc.title.startswith("平潭综合实验区20")}
    years = list(range(min(mine), max(mine) + 1))
    form = ApiForm(ANNUAL_MODULE, ("area", "fbtime"), method="GET")
    menu = ('<select id="fbtime" onchange="window.location.href=\'?area=' + ANNUAL_AREA
            + "&fbtime='+this.value\">" + "".join(f'<option value="{y}">{y}年</option>' for y in reversed(years))
            + "</select>")
    pages = []
    for year in years:
        key = form.key({"area": ANNUAL_AREA, "fbtime": str(year)})
        if year in mine:
            report = document_pages(site_name, mine[year])[0]
            html = report.body.decode("utf-8").replace('<div class="main">', f'<div class="main">{menu}', 1)
            pages.append(Page(key, html.encode("utf-8"), report.content_type, headers=report.headers, kind="report",
                              title=report.title))
        else:
            main = f'<div class="section">{menu}<p>暂无{year}年度政府信息公开工作年度报告。</p></div>'
            html = document(site_name=site_name, title="政府信息公开年度报告", crumbs=(("首页", "/"),), main=main)
            pages.append(html_page(key, "decoy", "政府信息公开年度报告", html, day=day))
    newest = max(mine)
    link = f'<ul class="list"><li><a href="{ANNUAL_MODULE}?area={ANNUAL_AREA}&amp;fbtime={newest}" target="_blank">{newest}年</a></li></ul>'
    main = f'<div class="list_box"><h2 class="column_title">{COLUMN_TITLE}</h2>{link}</div>'
    pages.append(_column_page(site_name, COLUMN + "index.html", main, day))
    return pages, {form.path: form}


# -- script-loaded JSON, plain forms ------------------------------------------------------------
def _json_api(site_name: str, documents: tuple[Document, ...], day: date) -> tuple[list[Page], dict]:
    script = f"""<script type="text/javascript">
$(function () {{ loadList(1); }});
function loadList(page) {{
    $.ajax({{
        url: "/zwgk/api/list.jsp",
        type: "get",
        dataType: "json",
        data: {{ channelId: "{TRS_CHANNEL}", page: page, pageSize: {PAGE_SIZE} }},
        success: function (res) {{
            var html = "";
            $.each(res.articles, function (i, a) {{ html += '<li><a href="' + a.url + '">' + a.title + '</a></li>'; }});
            $("#list").html(html);
        }}
    }});
}}
</script>"""
    main = f'<div class="list_box"><h2 class="column_title">{COLUMN_TITLE}</h2><ul class="list" id="list"></ul></div>{script}'
    form = ApiForm("/zwgk/api/list.jsp", ("page",), (("channelId", TRS_CHANNEL), ("pageSize", str(PAGE_SIZE))))
    pages = [_column_page(site_name, COLUMN + "index.html", main, day)]
    for number, chunk in enumerate(_chunks(list(documents), PAGE_SIZE), start=1):
        data = {"total": len(documents), "articles": [
            {"id": doc.doc_id, "title": doc.title, "url": report_path(doc), "publisher": doc.publisher,
             "display_publish_time": doc.published.isoformat()}
            for doc in chunk]}
        pages.append(_json_page(form.key({"page": str(number), **dict(form.required)}), data, day))
    return pages, {form.path: form}


def _plain(site_name: str, documents: tuple[Document, ...], day: date) -> tuple[list[Page], dict]:
    """Main column: 共N页 + a GET page form; older documents in a sub-column reached by a jump menu."""
    older = [doc for doc in documents if doc.published.year < 2015]
    newer = [doc for doc in documents if doc not in older]
    chunks = _chunks(column_items(newer), PAGE_SIZE)
    form = ApiForm(COLUMN + "list.jsp", ("page",), (("channelid", TRS_CHANNEL),))
    menu = ('<select onchange="window.location.href=this.value"><option value="">历年栏目</option>'
            '<option value="./lnnb/index.html">往年信息公开年报</option></select>')

    def main(chunk: list[ListItem]) -> str:
        jump = (f'<div class="page">共{len(chunks)}页 <form action="list.jsp" method="get">'
                f'<input type="hidden" name="channelid" value="{TRS_CHANNEL}">'
                '<input type="text" name="page" size="3"><input type="submit" value="跳转"></form></div>')
        return menu + list_main(COLUMN_TITLE, chunk) + jump

    pages = [_column_page(site_name, COLUMN + "index.html", main(chunks[0]), day)]
    pages += [_column_page(site_name, form.key({"page": str(n), **dict(form.required)}), main(chunk), day, "list")
              for n, chunk in enumerate(chunks, start=1)]
    old_items = [ListItem("../" + doc.href.removeprefix("./"), doc.title, doc.published.isoformat()) for doc in older]
    pages.append(_column_page(site_name, COLUMN + "lnnb/index.html", list_main("往年信息公开年报", old_items), day, "list"))
    return pages, {form.path: form}


_BUILDERS = {"trs_pages": _trs_pages, "trs_api": _trs_api, "hanweb": _hanweb, "hanweb_annual_report": _annual_reports,
             "json_api": _json_api, "plain": _plain}


@cache
def build_cms_site(form: str) -> PortalSite:
    """The demo portal with its report column served in one CMS list form (one of FORMS)."""
    site_name, documents = load_catalog()
    newest = documents[0].published
    pages = area_pages(site_name, newest) + [robots("/search/")]
    if form != "hanweb_annual_report":
        for doc in documents:
            pages += document_pages(site_name, doc)
    column_pages, api_forms = _BUILDERS[form](site_name, documents, newest)
    pages += column_pages
    return PortalSite(pages={page.path: page for page in pages}, api_forms=api_forms)
