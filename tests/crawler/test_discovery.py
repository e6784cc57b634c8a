"""Reading portal pages: link roles, report pages, pagers (one behaviour per test, on saved pages)."""

import lxml.html

from archive.classify import body_text, is_report_page
from archive.links import PageLink, page_links
from archive.sources import host_in_scope
from crawler.discovery import LinkRole, classify_link, looks_like_column
from crawler.list_forms import ListLimits
from crawler.list_forms.trs import create_page_urls
from tests.support.fixture_files import COLUMNS

COLUMN_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/index.htm"


def _root(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def test_real_trs_column_page_lists_its_ten_static_reports():
    root = _root((COLUMNS / "pingtan_column_list.html").read_text(encoding="utf-8"))
    links = page_links(root, COLUMN_URL)
    reports = [link for link in links if classify_link(link, COLUMN_URL) is LinkRole.REPORT]
    assert [link.url for link in reports] == [
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/" + path for path in (
            "202603/t20260313_105587.htm", "202503/t20250310_97791.htm", "202403/t20240308_87885.htm",
            "202302/t20230220_80629.htm", "202202/t20220208_80613.htm", "202103/t20210305_80595.htm",
            "202001/t20200120_80576.htm", "201901/t20190110_80529.htm", "201801/t20180123_80506.htm",
            "201701/t20170118_80485.htm")]
    assert reports[0].label == "平潭综合实验区2025年度政府信息公开工作年度报告"


def test_truncated_link_text_is_completed_by_the_title_attribute():
    link = PageLink("http://h/nb/./r.html", "某市2023年政府信息公开工作…", "某市2023年政府信息公开工作年度报告")
    assert classify_link(link, "http://h/nb/index.html") is LinkRole.REPORT


def test_link_roles():
    page = "http://h/xxgk/zfxxgknb/index.html"
    cases = {
        ("http://h/xxgk/zfxxgknb/index_1.html", "下一页"): LinkRole.PAGER,
        ("http://h/xxgk/zfxxgknb/index_3.html", "4"): LinkRole.PAGER,
        ("http://h/xxgk/zfxxgknb/?page=2", "2"): LinkRole.PAGER,
        ("http://h/files/a.PDF", "附件1"): LinkRole.ATTACHMENT,
        ("http://h/files/a.wps", "附件"): LinkRole.ATTACHMENT,
        ("http://h/xxgk/zfxxgknb/202402/t20240201_9.html", "关于2014年政府信息公开工作要点落实情况的函"):
            LinkRole.ARTICLE,
        ("http://h/xxgk/ndbg/", "年度报告"): LinkRole.COLUMN,
        ("http://h/a/b/", "政府信息公开年报"): LinkRole.COLUMN,
        ("http://h/xxgk/", "政府信息公开"): LinkRole.AREA,
        ("http://h/zwgk/index.html", "政务公开"): LinkRole.AREA,
        ("http://h/xxgk/zfxxgknb/list_2.html", "[2]"): LinkRole.PAGER,
        ("http://h/show.asp?id=17", "某区2023年政府信息公开工作年度…"): LinkRole.ARTICLE,
        ("http://h/nb/2023/", "2023年"): LinkRole.COLUMN,
        ("http://h/news/", "新闻动态"): LinkRole.OTHER,
        ("http://h/hd/", "互动交流"): LinkRole.OTHER,
    }
    assert {key: classify_link(PageLink(key[0], key[1], ""), page) for key in cases} == cases


def test_report_page_needs_report_title_and_report_body():
    report = _root("<title>某区2023年政府信息公开工作年度报告_某区人民政府</title><body><div>"
                   "一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 "
                   "四、政府信息公开行政复议、行政诉讼情况</div></body>")
    column = _root("<title>政府信息公开年报</title><body><a href='x'>主动公开</a>"
                   "<a href='y'>依申请公开</a><a href='z'>行政复议</a></body>")
    notice = _root("<title>关于做好2023年政府信息公开工作年度报告编制发布工作的通知</title>"
                   "<body>主动公开 依申请公开 行政复议 行政诉讼</body>")
    title_only = _root("<title>某区2023年政府信息公开工作年度报告</title><body>见附件</body>")
    assert is_report_page(report) == (True, "某区2023年政府信息公开工作年度报告")
    assert is_report_page(column) == (False, None)
    assert is_report_page(notice) == (False, None)
    assert is_report_page(title_only) == (False, "某区2023年政府信息公开工作年度报告")


def test_body_text_leaves_out_links_and_scripts():
    root = _root("<body><p>正文<a href='#'>链接</a>尾</p><script>var x='脚本'</script></body>")
    assert body_text(root) == "正文尾"


def test_trs_create_page_html_announces_list_pages():
    html = '<script>createPageHTML(4, 0, "index", "html");</script>'
    assert create_page_urls(html, "http://h/nb/index.html", ListLimits().max_pages) == [
        "http://h/nb/index.html", "http://h/nb/index_1.html", "http://h/nb/index_2.html",
        "http://h/nb/index_3.html"]


def test_scope_is_the_source_host_and_its_subdomains():
    hosts = ("www.pingtan.gov.cn",)
    assert host_in_scope("https://pingtan.gov.cn/a", hosts)
    assert host_in_scope("https://xxgk.pingtan.gov.cn/a", hosts)
    assert not host_in_scope("https://newton.com.tw/wiki/pingtan.gov.cn", hosts)
    assert not host_in_scope("https://evilpingtan.gov.cn/", hosts)


def test_pages_about_a_report_are_not_reports():
    for title in ("图解：某市2023年政府信息公开工作年度报告", "某市2023年政府信息公开工作年度报告解读"):
        root = _root(f"<title>{title}</title><body>主动公开 依申请公开 行政复议 行政诉讼</body>")
        assert is_report_page(root) == (False, None), title


def test_column_page_recognised_by_its_title_or_url():
    column = _root("<title>政府信息公开年报_某市人民政府</title><body></body>")
    report = _root("<title>某市2023年政府信息公开工作年度报告</title><body></body>")
    plain = _root("<title>新闻动态</title><body></body>")
    assert looks_like_column(column, "http://h/a/")
    assert not looks_like_column(report, "http://h/a/b.html")
    assert not looks_like_column(plain, "http://h/news/")
    assert looks_like_column(plain, "http://h/xxgk/zfxxgknb/")


def test_report_title_from_a_classed_element_or_the_link_that_led_here():
    body = ("<body><div class='article-title'>某县2023年政府信息公开工作年度报告</div><div>"
            "一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 "
            "四、政府信息公开行政复议、行政诉讼情况</div></body>")
    classed = _root("<title>某县人民政府</title>" + body)
    assert is_report_page(classed) == (True, "某县2023年政府信息公开工作年度报告")
    untitled = _root("<title>某县人民政府</title>" + body.replace("article-title", "x"))
    assert is_report_page(untitled) == (False, None)
    assert is_report_page(untitled, link_label="某县2023年政府信息公开工作年度报告") == \
        (True, "某县2023年政府信息公开工作年度报告")


def test_relative_links_resolve_against_base_href():
    root = _root("<head><base href='http://h/xxgk/nb/'></head><body><a href='r1.html'>x</a></body>")
    assert [link.url for link in page_links(root, "http://h/other/page.html")] == ["http://h/xxgk/nb/r1.html"]


def test_links_opened_by_script_are_links():
    root = _root("<body><li onclick=\"window.open('./202401/t20240115_1.html')\">某县2023年政府信息公开工作年度报告</li>"
                 "<a href=\"javascript:location.href='r2.html'\">某县2022年政府信息公开工作年度报告</a>"
                 "<a href='javascript:void(0)'>更多</a></body>")
    assert [(link.url, link.text) for link in page_links(root, "http://h/nb/index.html")] == [
        ("http://h/nb/202401/t20240115_1.html", "某县2023年政府信息公开工作年度报告"),
        ("http://h/nb/r2.html", "某县2022年政府信息公开工作年度报告")]


def test_an_image_link_is_named_by_its_alt_text():
    root = _root("<body><a href='/gk/'><img src='/images/xxgk.png' alt='政府信息公开'></a></body>")
    (link,) = page_links(root, "http://h/")
    assert (link.text, classify_link(link, "http://h/")) == ("政府信息公开", LinkRole.AREA)


def test_documents_embedded_in_the_page_are_attachment_links():
    root = _root("<body><iframe src='/pdfjs/web/viewer.html?file=%2Fupload%2F2024%2Freport.pdf'></iframe>"
                 "<embed src='files/b.pdf'><object data='c.docx'></object><iframe src='/video.html'></iframe></body>")
    links = page_links(root, "http://h/nb/t1.html")
    assert [(link.url, classify_link(link, "http://h/nb/t1.html")) for link in links] == [
        ("http://h/upload/2024/report.pdf", LinkRole.ATTACHMENT),
        ("http://h/nb/files/b.pdf", LinkRole.ATTACHMENT),
        ("http://h/nb/c.docx", LinkRole.ATTACHMENT),
    ]
