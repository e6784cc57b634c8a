"""A portal that misbehaves the way real government portals do: one path per fault, on loopback port 0.

`FaultPortal.genuine` are the report pages a crawl must find; every other path is a fault, named by
the kind the crawl must record for it (`FaultPortal.kinds`) or the trap that must stop it.
"""

from __future__ import annotations

import gzip
import io
import random
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from benchmarks.mutations import real_document

COLUMN = "/ndbg/index.html"
BODY = ("一、总体情况 本机关坚持主动公开，依申请公开办理及时。二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 "
        "四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 六、其他需要报告的事项 ") * 8
NOT_FOUND = "<html><head><title>提示</title></head><body><div class='box'>对不起，您访问的页面不存在或已被删除！</div></body></html>"
CHALLENGE = ("<html><head><script>var _0x1=['cookie'];document.cookie='jsl_clearance='+(1+2)+';path=/';"
             "setTimeout(function(){location.reload()},100);</script></head><body></body></html>")
LOGIN = ("<html><head><title>统一身份认证</title></head><body><form action='/login.jsp' method='post'>用户登录 "
         "<input name='u'><input type='password' name='p'><button>登录</button></form></body></html>")


def title(year: int) -> str:
    return f"示范县{year}年政府信息公开工作年度报告"


def report(year: int, extra: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title(year)}</title></head><body><h1>{title(year)}</h1>"
            f"<div class='content'><p>{BODY}</p>{extra}</div></body></html>")


def docx_bomb(inflated: int = 80 * 1024 * 1024) -> bytes:
    """A DOCX whose document.xml inflates to `inflated` bytes."""
    source, out = zipfile.ZipFile(io.BytesIO(real_document("seed_003.docx"))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            if member.filename != "word/document.xml":
                bomb.writestr(member, source.read(member))
        with bomb.open("word/document.xml", "w") as stream:
            chunk = b"<!--" + b" " * (1 << 20) + b"-->"
            for _ in range(inflated // len(chunk)):
                stream.write(chunk)
    return out.getvalue()


def _column(port: int) -> str:
    links = [(f"/ndbg/r{y}.html", title(y)) for y in (2023, 2022)] + [
        ("/ndbg/soft404.html", title(2021)), ("/ndbg/challenge.html", title(2020)), ("/ndbg/waf.html", title(2019)),
        ("/ndbg/login.html", title(2018)), ("/ndbg/meta.html", title(2017)), ("/ndbg/js.html", title(2016)),
        ("/ndbg/cut.html", title(2015)), ("/ndbg/cutgz.html", title(2014)), ("/ndbg/gone.html", title(2013)),
        (f"http://127.0.0.1:{port + 1 if port < 65535 else 1}/ndbg/r2012.html", title(2012)),
        ("/ndbg/list?page=2", "下一页"), ("/ndbg/cal?ym=2026-06", ">"), ("/ndbg/sess.jsp;jsessionid=A1?p=1", "2"),
        (f"/ndbg/rnd/{random.getrandbits(40)}.html", "3"), ("/ndbg/loop/", "末页"), ("/ndbg/huge.html", "4"),
        ("/ndbg/big.html", "5"), ("/ndbg/bomb.html", "6"), ("/ndbg/drip.html", "7"), ("/ndbg/deep.html", "8"),
    ]
    items = "".join(f"<li><a href='{href}'>{label}</a></li>" for href, label in links)
    return f"<html><head><meta charset='utf-8'><title>政府信息公开工作年度报告</title></head><body><ul>{items}</ul></body></html>"


def _list(links: list[tuple[str, str]], name: str = "政府信息公开工作年度报告") -> str:
    items = "".join(f"<li><a href='{href}'>{label}</a></li>" for href, label in links)
    return f"<html><head><meta charset='utf-8'><title>{name}</title></head><body><ul>{items}</ul></body></html>"


def _next_month(ym: str) -> str:
    year, month = map(int, ym.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


class FaultPortal:
    """Serves the faults; `switch_to_second_crawl()` turns r2023 into a soft-404 and bumps r2022's counter."""

    genuine = {"/ndbg/r2023.html", "/ndbg/r2022.html", "/ndbg/real2017.html", "/ndbg/real2016.html"}
    kinds = {"/ndbg/bomb.html": "over_limit", "/ndbg/soft404.html": "soft_404", "/ndbg/challenge.html": "challenge", "/ndbg/waf.html": "challenge",
             "/login.jsp": "login_wall", "/ndbg/cut.html": "truncated", "/ndbg/cutgz.html": "truncated",
             "/ndbg/gone.html": "redirected_to_home", "/ndbg/meta.html": "redirect", "/ndbg/js.html": "redirect",
             "/ndbg/login.html": "redirect"}

    def __init__(self) -> None:
        self.views = 0
        self.second_crawl = False
        self.big = ("<html><body><img src='data:image/png;base64," + "QUJD" * (2 * 1024 * 1024)
                    + "'><p>end</p></body></html>").encode()
        self.bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=6)
        self.docx = docx_bomb()
        self.served: list[str] = []
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                portal.served.append(self.path)
                portal.answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FaultPortal:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def switch_to_second_crawl(self) -> None:
        self.second_crawl = True

    # -- answers --------------------------------------------------------------------------------
    def answer(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path, query = parts.path, dict(parse_qsl(parts.query))
        html = {"/": _list([(COLUMN, "政府信息公开年报")], "首页"), COLUMN: _column(self.server.server_address[1]),
                "/ndbg/r2022.html": self._counted(report(2022, "<a href='/ndbg/bomb.docx'>附件:年度报告.docx</a>")),
                "/ndbg/real2017.html": report(2017), "/ndbg/real2016.html": report(2016),
                "/ndbg/soft404.html": NOT_FOUND, "/ndbg/challenge.html": CHALLENGE, "/login.jsp": LOGIN,
                "/ndbg/meta.html": "<html><head><meta http-equiv='refresh' content='0;url=/ndbg/real2017.html'></head>"
                                   "<body><img src='/ndbg/pic.png'></body></html>",
                "/ndbg/js.html": "<html><body><script>window.location.href='/ndbg/real2016.html';</script></body></html>",
                "/ndbg/deep.html": "<html><body>" + "<div>" * 100_000 + "</div>" * 100_000 + "</body></html>",
                "/ndbg/huge.html": _list([]).replace("<ul>", "<ul>" + "<li>" + "a" * 100_000 + "xxgkAnnualReport.jsp?x" * 2000)}
        if path == "/ndbg/r2023.html":
            return self._send(h, 200, NOT_FOUND if self.second_crawl else report(2023))
        if path in html:
            return self._send(h, 200, html[path])
        if path == "/ndbg/waf.html":
            return self._send(h, 403, "<html><body>访问被拦截</body></html>", [("Server", "Yundun WAF")])
        if path in ("/ndbg/login.html", "/ndbg/gone.html"):
            return self._send(h, 302, "", [("Location", "/login.jsp?from=x" if "login" in path else "/")])
        if path == "/ndbg/list":
            page = int(query.get("page", 2))
            return self._send(h, 200, _list([(f"/ndbg/list?page={page + 1}", "下一页")]))
        if path == "/ndbg/cal":
            return self._send(h, 200, _list([(f"/ndbg/cal?ym={_next_month(query['ym'])}", ">")]))
        if path.startswith("/ndbg/sess.jsp"):
            return self._send(h, 200, _list([(f"/ndbg/sess.jsp;jsessionid={random.getrandbits(64):x}?p={p}", str(p))
                                             for p in (1, 2, 3)]))
        if path.startswith("/ndbg/rnd/"):
            return self._send(h, 200, _list([(f"/ndbg/rnd/{random.getrandbits(40)}.html", str(n)) for n in (4, 5, 6, 7)]))
        if path.startswith("/ndbg/loop/"):
            return self._send(h, 200, _list([("loop/", "末页")]))
        return self._special(h, path)

    def _special(self, h: BaseHTTPRequestHandler, path: str) -> None:
        if path == "/ndbg/cut.html":
            body = report(2015).encode()
            return self._raw(h, 200, body[: len(body) // 2], [("Content-Length", str(len(body)))])
        if path == "/ndbg/cutgz.html":
            body = gzip.compress(report(2014).encode())
            body = body[: len(body) * 2 // 3]
            return self._raw(h, 200, body, [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))])
        if path == "/ndbg/big.html":
            return self._raw(h, 200, self.big, [("Content-Length", str(len(self.big)))])
        if path == "/ndbg/bomb.html":
            return self._raw(h, 200, self.bomb, [("Content-Encoding", "gzip"), ("Content-Length", str(len(self.bomb)))])
        if path == "/ndbg/bomb.docx":
            return self._raw(h, 200, self.docx, [("Content-Length", str(len(self.docx)))],
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        if path == "/ndbg/drip.html":
            return self._drip(h)
        return self._send(h, 404, "<html><body>404</body></html>")

    def _counted(self, page: str) -> str:
        self.views += 1
        return page.replace("</h1>", f"</h1><span>浏览次数：{self.views}</span><input type='hidden' name='csrf_token' "
                                     f"value='{random.getrandbits(64):x}'>")

    def _send(self, h, status: int, html: str, headers=()) -> None:
        self._raw(h, status, html.encode("utf-8"), [*headers], "text/html; charset=utf-8")

    @staticmethod
    def _raw(h, status: int, body: bytes, headers, content_type: str = "text/html; charset=utf-8") -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        names = {name.lower() for name, _ in headers}
        for name, value in headers:
            h.send_header(name, value)
        if "content-length" not in names:
            h.send_header("Content-Length", str(len(body)))
        h.send_header("Connection", "close")
        h.end_headers()
        try:
            h.wfile.write(body)
            h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        h.close_connection = True

    @staticmethod
    def _drip(h) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        try:
            for _ in range(200):
                h.wfile.write(b"<")
                h.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        h.close_connection = True
