"""`gov-reports export-wacz`: a WACZ 1.1 package (one WARC, its CDXJ index, the report pages)
that pywb and ReplayWeb.page open; built on warcio (the WARC) and cdxj-indexer (the index).

The CDXJ index is named indexes/index.cdx, as the WACZ specification names it: pywb's
`wb-manager add --unpack-wacz` only takes .cdx/.cdx.gz members."""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from pathlib import Path

from cdxj_indexer.main import write_cdx_index

from archive.store import Archive, utc_now
from archive.webarchive.warc_export import ExportSummary, export_warc, software

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Annual reports"}


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _write_pages(archive: Archive, warcinfo_id: str, path: Path) -> int:
    """pages/pages.jsonl: one line per exported report, at the URL and time of its capture."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(PAGES_HEADER) + "\n")
        for report in archive.iter_report_pages(warcinfo_id):
            page = {"id": f"report-{report['id']}", "url": report["capture_url"], "ts": report["fetched_at"],
                    "title": report["title"] or report["url"]}
            out.write(json.dumps(page, ensure_ascii=False) + "\n")
            count += 1
    return count


def _datapackage(files: dict[str, Path], title: str) -> dict:
    return {
        "profile": "data-package", "wacz_version": WACZ_VERSION, "title": title, "created": utc_now(),
        "software": software(),
        "resources": [{"name": Path(name).name, "path": name, "hash": _sha256_file(path),
                       "bytes": path.stat().st_size} for name, path in files.items()],
    }


def export_wacz(archive: Archive, path: Path, *, source: str | None = None, year: int | None = None,
                since: str | None = None) -> ExportSummary:
    """Write archive/data.warc.gz, indexes/index.cdx, pages/pages.jsonl, datapackage.json and
    datapackage-digest.json into the zip `path` (the WARC stored, not recompressed)."""
    with tempfile.TemporaryDirectory(prefix="wacz-") as work:
        work = Path(work)
        warc = work / WARC_NAME
        summary = export_warc(archive, warc, source=source, year=year, since=since,
                              recorded_as=f"{path.name}#archive/{WARC_NAME}")
        index = work / "index.cdx"
        with open(index, "w", encoding="utf-8") as out:
            write_cdx_index(out, [str(warc)], {"sort": True, "filename": WARC_NAME})
        pages = work / "pages.jsonl"
        count = _write_pages(archive, summary.warcinfo_id, pages)
        files = {f"archive/{WARC_NAME}": warc, "indexes/index.cdx": index, "pages/pages.jsonl": pages}
        package = work / "datapackage.json"
        package.write_text(json.dumps(_datapackage(files, f"gov-reports: {archive.path.name}"), indent=2,
                                      ensure_ascii=False), encoding="utf-8")
        digest = {"path": "datapackage.json", "hash": _sha256_file(package)}
        with zipfile.ZipFile(path, "w", allowZip64=True) as wacz:
            wacz.write(warc, f"archive/{WARC_NAME}", compress_type=zipfile.ZIP_STORED)
            for name in ("indexes/index.cdx", "pages/pages.jsonl"):
                wacz.write(files[name], name, compress_type=zipfile.ZIP_DEFLATED)
            wacz.write(package, "datapackage.json", compress_type=zipfile.ZIP_DEFLATED)
            wacz.writestr("datapackage-digest.json", json.dumps(digest), compress_type=zipfile.ZIP_DEFLATED)
    summary.path, summary.pages = path, count
    return summary
