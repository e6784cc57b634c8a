"""PDF flipbooks as FlipBuilder (Flip PDF Professional) publishes them: `files/basic-html/pageN.html` pages."""

from __future__ import annotations

import html
import re

from tests.support.fixture_files import fixture_path

REPORT_TEXT = fixture_path("corpus_022.txt").read_text(encoding="utf-8").rstrip("\n")
FOOTER = re.compile(r"^- (\d+) -$")


def pdf_pages(text: str = REPORT_TEXT) -> list[str]:
    """The PDF text cut after each page footer, indented as the generator prints it."""
    pages, current = [], []
    for line in text.splitlines():
        current.append(" " * 15 + line)
        if FOOTER.match(line):
            pages.append("\n".join(current))
            current = []
    return pages + (["\n".join(current)] if current else [])


def flipbuilder_page(book: str, number: int, count: int, text: str, *, index: bool = False) -> str:
    """One basic-html page as Flip PDF Professional 2.4 writes it (styles and scripts shortened)."""
    window = range(max(1, number - 5), min(count, number + 4) + 1)
    numbers = "".join(f'&nbsp;&nbsp;&nbsp;<a href="page{n}.html">{n}</a>' for n in window)
    previous = f"page{number - 1}.html" if number > 1 else ""
    following = f"page{number + 1}.html" if number < count else ""
    noscript = ('<noscript><div><hr width="80%"/><ul align="left">' + "".join(
        f'<li><a href="page{n}.html">Page {n}</a></li>' for n in range(1, count + 1))
        + '</ul><hr style="width:80%"/></div></noscript>') if index else ""
    return f"""<html xmlns="http://www.w3.org/1999/xhtml"><head>
        <meta http-equiv="Content-Type" content="text/html; charset=utf-8">
        <meta name="description" content="description">
        <meta name="keywords" content="">
        <title>Page {number} - {book}</title>
<style type="text/css">
#container {{margin:50px auto;padding:0px;width:910px;}}
#content-top1{{ width:70%; padding:16px 0px 0px 30px; font-size:24px; color:#636363;float:left;}}
</style>
<script type="text/javascript">
function MM_swapImgRestore() {{ //v3.0
  var i,x,a=document.MM_sr; for(i=0;a&&i<a.length&&(x=a[i])&&x.oSrc;i++) x.src=x.oSrc;
}}
</script>
</head>

<body onload="MM_preloadImages('images/next2.png','images/previous2.png')">
<div id="container">
<div id="left-button">
  <p>&nbsp;</p>
  <p><a href="{previous}"><img src="images/previous_big.png" width="90" height="80" /></a></p>
</div>
<div id="middle">
  <div id="top-title"><span class="font1">Basic HTML Version</span>
    <div id="top-title2">
      <table width="100%" border="0" align="right" cellpadding="0" cellspacing="0">
        <tr>
        \t<td width="66%"> </td>
          <td width="35%" style="display:none" align="right"><img src="images/content.png" width="19" height="16" /></td>
          <td width="31%" style="display:none" class="font1"><a href="">Table of Contents</a></td>
          <td width="6%"><img src="images/view.png" width="19" height="16" /></td>
          <td width="28%" class="font1"><a href="../../index.html#p={number}">View Full Version</a></td>
        </tr>
      </table>
    </div>
  </div>
  <div id="content">
     <div id="content-top">
        <div id="content-top1">Page {number} - {book}</div>
        <div id="content-top2">P. {number}</div>
     </div>
     <div id="content-middle">
     \t  <div class="text-container">
    <div class="use-as-video cc-float-fix">
      <a style="text-decoration: none;" href="../../index.html#p={number}"><img src="../thumb/{number}.jpg" /></a>
    </div>

    <p class="use-as-video-title"></p>
    <pre style="white-space:pre-line"><code>{html.escape(text, quote=False)}</code></pre>
     \t</div>
     </div>
     <div id="content-bottom">
       <div id="content-bottom2">
         <table width="110" border="0" cellspacing="0" cellpadding="0">
           <tr>
             <td width="22%" height="44"><a href="{previous}"><img src="images/previous.png" width="26" height="19" id="Image2" /></a></td>
             <td width="43%">
             \t{numbers}
             </td>
             <td width="35%"><a href="{following}"><img src="images/next.png" width="26" height="19" id="Image1" /></a></td>
           </tr>
         </table>
       </div>
     </div>
  </div>
</div>
<div id="right-button">
  <p>&nbsp;</p>
  <p><a href="{following}"><img src="images/next_big.png" width="90" height="80" /></a></p>
</div>


</div>
{noscript}
</body>
</html>
"""


def flipbuilder_book(book: str, texts: list[str]) -> dict[str, str]:
    """The book's basic-html folder: page1.html … pageN.html and index.html (page 1 + page list)."""
    count = len(texts)
    files = {f"page{n}.html": flipbuilder_page(book, n, count, text) for n, text in enumerate(texts, start=1)}
    files["index.html"] = flipbuilder_page(book, 1, count, texts[0], index=True)
    return files
