"""CMS list forms read from real markup (sources in each fixture's comment): links and requests."""

from __future__ import annotations

import random

from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from archive.links import PageLink
from crawler import settings as project_settings
from crawler.list_forms import (
    HANWEB_XML,
    JSON,
    PAGE,
    ListAnswer,
    ListFindings,
    ListLimits,
    ListPage,
    ListRequest,
    form_names,
    read_list_answer,
    read_list_page,
)
from crawler.list_forms.model import DOCUMENT
from crawler.list_forms.scripts import (
    js_value,
    object_after,
    object_fields,
    resolver,
    strip_comments,
)
from crawler.spiders.gov_reports import GovReportsSpider
from tests.support.fixture_files import COLUMNS

PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"


def _read(html: str, url: str):
    return read_list_page(ListPage.parse(html, url))


# -- TRS ----------------------------------------------------------------------------------------
def test_real_pingtan_column_asks_the_trs_search_api_for_its_second_page():
    # corpus L01a + L01b: the real 平潭 column (static page 1, listModel config, SiteInfo.searchId).
    html = "<html><body><div><div>" + (COLUMNS / "pingtan_column_list.html").read_text(encoding="utf-8") \
        + (COLUMNS / "pingtan_column_scripts.html").read_text(encoding="utf-8")
    found = _read(html, PINGTAN)
    assert found.forms == ("trs",)
    assert found.requests == (ListRequest(
        "https://www.pingtan.gov.cn/fjdzapp/search", JSON, "POST",
        (("channelid", "200210"), ("classsql", "chnlid=1813"), ("sortfield", "-docorderpri,-docreltime"),
         ("prepage", "10"), ("page", "2")),
        (("X-Requested-With", "XMLHttpRequest"),), PINGTAN, "page", "trs"),)


def test_create_page_html_announces_every_list_page():
    html = '<html><body><ul></ul><script>createPageHTML(3, 0, "index", "shtml");</script></body></html>'
    found = _read(html, "http://h.gov.cn/xxgk/ndbg/index.shtml")
    assert [(r.url, r.answer) for r in found.requests] == [
        ("http://h.gov.cn/xxgk/ndbg/index.shtml", PAGE), ("http://h.gov.cn/xxgk/ndbg/index_1.shtml", PAGE),
        ("http://h.gov.cn/xxgk/ndbg/index_2.shtml", PAGE)]


def test_newer_create_page_html_with_a_div_id_first():
    html = "<html><body><script>createPageHTML('page_div',2, 1,'index','html',36);</script></body></html>"
    assert [r.url for r in _read(html, "http://h.gov.cn/a/index_1.html").requests] == [
        "http://h.gov.cn/a/index.html", "http://h.gov.cn/a/index_1.html"]


def test_trs_search_answer_gives_records_and_the_remaining_pages():
    # Field names of the /fjdzapp/search answer (data[], pageCount, doctitle, chnldocurl, docpuburl).
    request = ListRequest("https://www.pingtan.gov.cn/fjdzapp/search", JSON, "POST",
                          (("channelid", "200210"), ("prepage", "10"), ("page", "2")), (), PINGTAN, "page", "trs")
    answer = ('{"pageCount":4,"data":[{"doctitle":"平潭综合实验区2015年度政府信息公开工作年度报告",'
              '"docreltime":"2016-01-12 10:00:00","chnldocurl":"https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/'
              '201601/t20160112_80445.htm","docpuburl":"./201601/t20160112_80445.htm"}]}')
    found = read_list_answer(ListAnswer(request, answer))
    assert found.links == (PageLink(PINGTAN + "201601/t20160112_80445.htm",
                                    "平潭综合实验区2015年度政府信息公开工作年度报告",
                                    "平潭综合实验区2015年度政府信息公开工作年度报告"),)
    assert [r.field("page") for r in found.requests] == ["3", "4"]
    assert found.requests[0].formdata == (("channelid", "200210"), ("prepage", "10"), ("page", "3"))


def test_was5_pseudo_json_with_single_quoted_values():
    # Verbatim WAS5 answer body (福建 chinatax, as kept in a public test of a WAS5 reader).
    body = """{"count":"2","chnlname":"福建国税",
"pagenum":"1",
"searchtime":"0.01",
"py":'###pypy###',
"dy":'###dydy###',
"docs":[
{
"title":"国家税务总局福州市税务局任免工作人员（2026年3月6日）",
"title2":"国家税务总局福州市税务局任免工作人员（2026年3月6日）",
"url":"http://fujian.chinatax.gov.cn/fzsswj/zfxxgkzl/zfxxgkml/rsxx_1009/202605/t20260507_634732.htm",
"chnldocurl":"http://fujian.chinatax.gov.cn/fzsswj/zfxxgkzl/zfxxgkml/rsxx_1009/202605/t20260507_634732.htm",
"time":"2026-05-07","docid":"634732"
}
]}
"""
    request = ListRequest("http://fujian.chinatax.gov.cn/was5/web/search?channelid=203958&page=1&prepage=1", JSON,
                          page_field="page", form="trs")
    found = read_list_answer(ListAnswer(request, body))
    assert [link.url for link in found.links] == [
        "http://fujian.chinatax.gov.cn/fzsswj/zfxxgkzl/zfxxgkml/rsxx_1009/202605/t20260507_634732.htm"]
    assert [r.url for r in found.requests] == [
        "http://fujian.chinatax.gov.cn/was5/web/search?channelid=203958&page=2&prepage=1"]


# -- Hanweb -------------------------------------------------------------------------------------
# Data island as on 江苏 jcms column pages (div id = unit id, nextgroup to dataproxy.jsp); records in
# the markup of a real 定西 dataproxy answer.
HANWEB_COLUMN = """<html><body><div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&appid=1&webid=110&path=/&columnid=12377&unitid=38486&webname=%25E5%25AE%259A&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[
<li class="clearfix">    <a target="_blank" href="/art/2022/1/20/art_12377_1486865.html" title="定西市“春节”文明祭祀倡议书">定西市“春节”文明祭祀倡议书</a>    <b>2022-01-20</b></li>]]></record>
<record><![CDATA[
<li class="clearfix">    <a target="_blank" href="/art/2022/1/14/art_12377_1485512.html" title="2021年度政府网站年度工作报表">2021年度政府网站年度工作报表</a>    <b>2022-01-14</b></li>]]></record>
</recordset></datastore></script></div>
{script}
</body></html>"""
# The jpage call of 南通's Hanweb portal (a real page, as kept in a public SQL dump), dataStore removed.
NANTONG_JPAGE = ("<script>$(function(){$('#49468').jpage({themeName:'default',showMode:'full',totalRecord:1418,"
                 "openCookies:false,dataBefore:'',dataAfter:'',groupSize:3,"
                 "proxyUrl:'/module/jslib/jquery/jpage/dataproxy.jsp',perPage:25,barPosition:'bottom',"
                 "ajaxParam:{col:1,appid:'1',webid:60,path:'/',columnid:30067,unitid:'49468',"
                 "webname:'南通市政府采购网',permissiontype:0}});});</script>")


def test_hanweb_records_and_record_groups_from_the_jpage_call():
    found = _read(HANWEB_COLUMN.replace("{script}", NANTONG_JPAGE), "http://zfcg.nantong.gov.cn/col/col30067/index.html")
    assert found.forms == ("hanweb",)
    assert [link.url for link in found.links] == ["http://zfcg.nantong.gov.cn/art/2022/1/20/art_12377_1486865.html",
                                                  "http://zfcg.nantong.gov.cn/art/2022/1/14/art_12377_1485512.html"]
    assert len(found.requests) == 18  # records 76…1418 in groups of 75
    first, last = found.requests[0], found.requests[-1]
    assert first.url == ("http://zfcg.nantong.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp"
                         "?startrecord=76&endrecord=150&perpage=25")
    assert last.url.endswith("?startrecord=1351&endrecord=1425&perpage=25")
    assert (first.method, first.answer) == ("POST", HANWEB_XML)
    assert first.formdata == (("col", "1"), ("appid", "1"), ("webid", "60"), ("path", "/"), ("columnid", "30067"),
                              ("unitid", "49468"), ("webname", "南通市政府采购网"), ("permissiontype", "0"))


def test_hanweb_form_fields_from_a_param_variable():
    # jcms: `var param_<unit> = {…}` beside $('#unit').jpage({totalRecord, perPage}) (国家医保局 form).
    script = ("<script>var param_212860 = {col:1,appid:1,webid:1,path:'/',columnid:33718,sourceContentType:1,"
              "unitid:'212860',webname:'江苏省人民政府',permissiontype:0};"
              "$('#212860').jpage({totalRecord:50,perPage:15,ajaxParam:param_212860});</script>")
    found = _read(HANWEB_COLUMN.replace("{script}", script), "http://www.jiangsu.gov.cn/col/col33718/index.html")
    assert [r.url for r in found.requests] == [
        "http://www.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"]
    assert dict(found.requests[0].formdata)["columnid"] == "33718"


def test_hanweb_form_fields_from_nextgroup_when_no_script_says():
    found = _read(HANWEB_COLUMN.replace("{script}", ""), "http://www.dingxi.gov.cn/col/col12377/index.html")
    (request,) = found.requests
    assert dict(request.formdata) == {"appid": "1", "webid": "110", "path": "/", "columnid": "12377",
                                      "unitid": "38486", "webname": "%E5%AE%9A", "permissiontype": "0"}
    assert request.url.endswith("dataproxy.jsp?startrecord=46&endrecord=90&perpage=15")


def test_hanweb_answer_gives_records_and_groups_up_to_totalrecord():
    request = ListRequest("http://h.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15",
                          HANWEB_XML, "POST", (("columnid", "1"),), (), "http://h.gov.cn/col/col1/index.html",
                          None, "hanweb")
    answer = ('<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>200</totalrecord><recordset>'
              '<record><![CDATA[<li><a href="/art/2024/1/5/art_1_9.html" title="某区2023年政府信息公开工作年度报告">'
              '某区2023年政府信息公开工作年度报告</a></li>]]></record></recordset></datastore>')
    found = read_list_answer(ListAnswer(request, answer))
    assert [link.url for link in found.links] == ["http://h.gov.cn/art/2024/1/5/art_1_9.html"]
    assert [r.url.split("?")[1] for r in found.requests] == [
        "startrecord=91&endrecord=135&perpage=15", "startrecord=136&endrecord=180&perpage=15",
        "startrecord=181&endrecord=225&perpage=15"]
    assert all(r.formdata == (("columnid", "1"),) for r in found.requests)


def test_hanweb_annual_report_urls_and_the_year_menu_of_a_report():
    # format-spec §12: http://www.weishan.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=113708260043292687&fbtime=2020
    url = "http://www.weishan.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=113708260043292687&fbtime=2020"
    html = ('<html><body><select><option value="2020">2020年</option><option value="2019">2019年</option></select>'
            '<a href="/module/xxgk/xxgkAnnualReport.jsp?fbtime=2017&amp;area=113325000026455663">2017</a></body></html>')
    found = _read(html, url)
    assert [(r.url, r.answer) for r in found.requests] == [
        ("http://www.weishan.gov.cn/module/xxgk/xxgkAnnualReport.jsp?fbtime=2017&area=113325000026455663", DOCUMENT),
        ("http://www.weishan.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=113708260043292687&fbtime=2019", DOCUMENT)]


# -- script-loaded JSON, plain forms ------------------------------------------------------------
def test_ajax_call_in_the_page_script_is_the_list_endpoint():
    html = """<html><body><ul id="list"></ul><script>
    function loadList(page) { $.ajax({ url: "/api/list.jsp", type: "post", dataType: "json",
        data: { channelId: "1813", page: page, pageSize: 5 }, success: function (res) {} }); }
    $.getJSON("/static/nav.js");
    </script></body></html>"""
    (request,) = _read(html, "http://h.gov.cn/xxgk/nb/").requests
    assert (request.url, request.method, request.formdata, request.page_field) == (
        "http://h.gov.cn/api/list.jsp", "POST", (("channelId", "1813"), ("page", "1"), ("pageSize", "5")), "page")


def test_gkmlpt_style_answer_pages_by_total_and_page_size():
    request = ListRequest("http://h.gov.cn/api/list.jsp?channelId=1&page=1&pageSize=5", JSON,
                          base_url="http://h.gov.cn/xxgk/nb/", page_field="page", form="json_api")
    found = read_list_answer(ListAnswer(request, '{"total": 12, "articles": [{"title": "某县2023年政府信息公开工作年度报告",'
                                                 ' "url": "/xxgk/nb/content/post_1.html"}]}'))
    assert [link.url for link in found.links] == ["http://h.gov.cn/xxgk/nb/content/post_1.html"]
    assert [r.url for r in found.requests] == ["http://h.gov.cn/api/list.jsp?channelId=1&page=2&pageSize=5",
                                               "http://h.gov.cn/api/list.jsp?channelId=1&page=3&pageSize=5"]


def test_select_jump_menu_and_page_form():
    html = """<html><body><select onchange="location.href=this.value"><option value="">请选择</option>
    <option value="./2023/">2023年</option><option value="../bmnb/index.html">部门年报</option></select>
    <div>共3页 <form action="list.jsp" method="get"><input type="hidden" name="channelid" value="9">
    <input name="pageNo"></form></div></body></html>"""
    found = _read(html, "http://h.gov.cn/xxgk/nb/index.html")
    assert [(link.url, link.text) for link in found.links] == [
        ("http://h.gov.cn/xxgk/nb/2023/", "2023年"), ("http://h.gov.cn/xxgk/bmnb/index.html", "部门年报")]
    assert [r.url for r in found.requests] == [f"http://h.gov.cn/xxgk/nb/list.jsp?channelid=9&pageNo={n}"
                                               for n in (1, 2, 3)]


def test_pager_window_gap_is_filled_up_to_the_last_page():
    html = ('<html><body><a href="index_1.html">2</a><a href="index_2.html">3</a><a href="index_9.html">尾页</a>'
            '<a href="./202401/t20240115_3271106.html">某市2023年政府信息公开工作年度报告</a></body></html>')
    found = _read(html, "http://h.gov.cn/nb/index.html")
    assert [r.url for r in found.requests] == [f"http://h.gov.cn/nb/index_{n}.html" for n in range(1, 10)]


def test_a_plain_article_page_has_no_list_form():
    html = "<html><body><h1>某市2023年政府信息公开工作年度报告</h1><p>一、总体情况</p></body></html>"
    found = _read(html, "http://h.gov.cn/nb/202401/t20240115_1.html")
    assert (found.links, found.requests, found.forms) == ((), (), ())


# -- reading script literals --------------------------------------------------------------------
def test_script_literals_comments_or_and_dotted_names():
    code = strip_comments('var SiteInfo = {\n  //was4doc: 290792,\n  url: "https://a//b", searchId: 200210, // id\n};'
                          '\nlistModel({listArgs: {channelid: SiteInfo.searchId, classsql: "" || "chnlid=1"}});')
    args = object_fields(object_after(code, r"listArgs\s*:"))
    resolve = resolver([code])
    assert {key: js_value(value, resolve) for key, value in args.items()} == {
        "channelid": "200210", "classsql": "chnlid=1"}
    assert js_value(object_fields(object_after(code, r"SiteInfo\s*="))["url"]) == "https://a//b"


# -- the registry and its limits ------------------------------------------------------------------
def test_the_registry_is_the_list_of_form_names():
    assert form_names() == {"trs", "hanweb", "hanweb_annual_report", "json_api", "plain"}


def test_an_answer_of_a_kind_no_form_reads_gives_nothing():
    request = ListRequest("http://h.gov.cn/api", "csv", form="json_api")
    assert read_list_answer(ListAnswer(request, "a,b")) == ListFindings(forms=("json_api",))


def test_every_list_reader_stops_at_its_limit():
    rng = random.Random(9)
    for _ in range(300):
        limits = ListLimits(max_pages=rng.randint(1, 40), max_groups=rng.randint(1, 40))
        total = rng.randint(1, 60)
        pages = read_list_page(ListPage.parse(f'<script>createPageHTML({total}, 0, "index", "html");</script>',
                                              "http://h.gov.cn/nb/index.html", limits))
        assert len(pages.requests) == min(total, limits.max_pages)
        pager = read_list_page(ListPage.parse(f'<a href="index_{total}.html">尾页</a>', "http://h.gov.cn/nb/index.html",
                                              limits))
        assert [r.url for r in pager.requests] == [f"http://h.gov.cn/nb/index_{n}.html"
                                                   for n in range(1, min(total, limits.max_pages) + 1)]
        json_request = ListRequest("http://h.gov.cn/api?page=1", JSON, page_field="page", form="json_api")
        answer = read_list_answer(ListAnswer(json_request, f'{{"pageCount": {total}, "data": [{{"url": "/a.html"}}]}}',
                                             limits))
        assert [r.field("page") for r in answer.requests] == [str(n) for n in range(2, min(total, limits.max_pages) + 1)]
        hanweb_request = ListRequest("http://h.gov.cn/dataproxy.jsp?startrecord=1&endrecord=15&perpage=15", HANWEB_XML,
                                     "POST", form="hanweb")
        groups = read_list_answer(ListAnswer(hanweb_request, f"<datastore><totalrecord>{total * 15}</totalrecord>"
                                                             "</datastore>", limits))
        assert len(groups.requests) == min(total - 1, limits.max_groups)


def test_limits_are_settings_with_their_defaults_in_crawler_settings():
    assert ListLimits() == ListLimits(project_settings.GOV_REPORTS_LIST_MAX_PAGES,
                                      project_settings.GOV_REPORTS_LIST_MAX_GROUPS)
    custom = Settings({"GOV_REPORTS_LIST_MAX_PAGES": "7", "GOV_REPORTS_LIST_MAX_GROUPS": 3})
    assert ListLimits.from_settings(custom.getint) == ListLimits(7, 3)
    assert ListLimits.from_settings(Settings().getint) == ListLimits()


def _spider(settings: dict, **arguments: str) -> GovReportsSpider:
    crawler = get_crawler(GovReportsSpider, settings_dict={"SPIDER_MODULES": ["crawler.spiders"], **settings})
    return GovReportsSpider.from_crawler(crawler, **arguments)


def test_the_spider_reads_its_limits_from_settings_and_hops_from_its_argument():
    spider = _spider({"GOV_REPORTS_ENTRY_HOPS": 2, "GOV_REPORTS_FLIPBOOK_MAX_PAGES": 30,
                      "GOV_REPORTS_LIST_MAX_PAGES": 9}, start_url="http://127.0.0.1:9/")
    assert (spider.entry_hops, spider.flipbook_max_pages, spider.list_limits) == (2, 30, ListLimits(max_pages=9))
    assert _spider({"GOV_REPORTS_ENTRY_HOPS": 2}, start_url="http://127.0.0.1:9/", hops="6").entry_hops == 6
    defaults = _spider({}, start_url="http://127.0.0.1:9/")
    assert (defaults.entry_hops, defaults.flipbook_max_pages) == (project_settings.GOV_REPORTS_ENTRY_HOPS,
                                                                  project_settings.GOV_REPORTS_FLIPBOOK_MAX_PAGES)


def test_a_registry_list_form_no_reader_knows_is_one_error(tmp_path):
    registry = tmp_path / "sources.csv"
    registry.write_text("name,region,level,start_url,list_form\n"
                        "甲县,某省 甲县,county,https://www.jia.gov.cn/nb/,wordpress\n"
                        "乙县,某省 乙县,county,https://www.yi.gov.cn/nb/,trs\n", encoding="utf-8")
    spider = _spider({}, sources=str(registry))
    assert spider.crawler.stats.get_value("gov_reports/errors/unknown_list_form") == 1
