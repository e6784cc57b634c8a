"""Registry of government portals the crawler starts from: load, validate, ad-hoc sources."""

from __future__ import annotations

import csv
import dataclasses
import io
import ipaddress
import json
import os
import pathlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

import tldextract
from w3lib.url import add_http_if_no_scheme, canonicalize_url

GOVERNMENT_LEVELS: tuple[str, ...] = ("national", "province", "city", "county", "township")
# A department row names the government level it belongs to in its notes.
LEVELS: tuple[str, ...] = (*GOVERNMENT_LEVELS, "department")
COLUMNS: tuple[str, ...] = ("name", "region", "level", "start_url", "list_form", "domains", "notes",
                            "budget_pages", "budget_depth")
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "region", "level", "start_url")
GOV_SUFFIX = ".gov.cn"
# Official hosts outside *.gov.cn that may be registered anyway; none are known to be needed yet.
NON_GOV_HOST_EXCEPTIONS: frozenset[str] = frozenset()
AD_HOC_LEVEL = "unknown"


class SourceRegistryError(ValueError):
    """The registry file cannot be read or is not a well-formed registry."""


@dataclass(frozen=True)
class Source:
    """One portal (or one report column of a portal) to crawl."""

    name: str
    region: str
    level: str
    start_url: str
    list_form: str | None = None
    domains: tuple[str, ...] = ()
    notes: str = ""
    # The crawl's discovery budget for this source, when it needs more than the settings'
    # GOV_REPORTS_SOURCE_PAGES / GOV_REPORTS_SOURCE_DEPTH (None: the settings' value).
    budget_pages: int | None = None
    budget_depth: int | None = None

    def hosts(self) -> tuple[str, ...]:
        """Hosts in scope: the start URL's host (lowercase, no port), then the extra domains."""
        hosts = [url_host(self.start_url), *(d.lower() for d in self.domains)]
        return tuple(dict.fromkeys(h for h in hosts if h))


def url_host(url: str) -> str:
    """Lowercase host of `url` without port; "" when there is none or the URL is unparsable."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def bundled_registry_path() -> pathlib.Path:
    """Path of the registry CSV shipped inside the `archive` package."""
    return pathlib.Path(str(resources.files("archive").joinpath("data", "sources.csv")))


def load_sources(path: str | os.PathLike[str] | None = None) -> list[Source]:
    """Read a registry: CSV with a header row, or (by `.json` suffix) a JSON list of objects."""
    registry = pathlib.Path(path) if path is not None else bundled_registry_path()
    try:
        text = registry.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceRegistryError(f"{registry}: cannot read registry: {exc}") from exc
    if registry.suffix.lower() == ".json":
        records = _json_records(text, registry)
    else:
        records = _csv_records(text, registry)
    return [_source_from_record(record) for record in records]


def _csv_records(text: str, registry: pathlib.Path) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        _check_columns(reader.fieldnames or [], f"{registry}: header")
        records = []
        for row in reader:
            where = f"{registry}:{reader.line_num}"
            if None in row:
                raise SourceRegistryError(f"{where}: more fields than the header has")
            if any(value is None for value in row.values()):
                raise SourceRegistryError(f"{where}: fewer fields than the header has")
            records.append(row)
    except csv.Error as exc:
        # DictReader.line_num lags on a failed row; its underlying reader knows the failing line.
        raise SourceRegistryError(f"{registry}:{reader.reader.line_num}: bad CSV: {exc}") from exc
    return records


def _json_records(text: str, registry: pathlib.Path) -> list[dict[str, str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceRegistryError(f"{registry}: bad JSON: {exc}") from exc
    if not isinstance(data, list):
        raise SourceRegistryError(f"{registry}: JSON registry must be a list of objects")
    records = []
    for index, item in enumerate(data, start=1):
        where = f"{registry}: item {index}"
        if not isinstance(item, dict):
            raise SourceRegistryError(f"{where}: not an object")
        _check_columns(list(item), where)
        records.append({key: _json_text(value, f"{where}.{key}") for key, value in item.items()})
    return records


def _json_text(value: object, where: str) -> str:
    """A JSON field as registry text; `domains` may also be given as a list of strings."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return " ".join(value)
    raise SourceRegistryError(f"{where}: expected a string, got {type(value).__name__}")


def _check_columns(columns: Iterable[str], where: str) -> None:
    present = list(columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if missing:
        raise SourceRegistryError(f"{where}: missing column(s) {', '.join(missing)}")
    # An unknown column is most likely a misspelt one whose data would be silently lost.
    unknown = [c for c in present if c not in COLUMNS]
    if unknown:
        raise SourceRegistryError(f"{where}: unknown column(s) {', '.join(unknown)}")


def _source_from_record(record: Mapping[str, str]) -> Source:
    """Build a Source; content problems are left for validate_sources to report."""
    field = {key: (record.get(key) or "").strip() for key in COLUMNS}
    return Source(
        name=field["name"],
        region=" ".join(field["region"].split()),
        level=field["level"],
        start_url=field["start_url"],
        list_form=field["list_form"] or None,
        domains=tuple(field["domains"].split()),
        notes=field["notes"],
        budget_pages=_count(field["budget_pages"]),
        budget_depth=_count(field["budget_depth"]),
    )


def _count(text: str) -> int | None:
    """A budget column: a whole number, or None when empty (a bad one is left to validate_sources)."""
    return int(text) if text.isdigit() else (None if not text else -1)


def validate_sources(
    sources: list[Source], *, host_exceptions: Iterable[str] = NON_GOV_HOST_EXCEPTIONS,
    list_forms: Collection[str] | None = None,
) -> list[str]:
    """Every problem in the registry, one message each, naming the row (#n, 1-based, and name).

    The list forms are the crawler's (crawler.list_forms.form_names()); `list_form` is checked only
    against the names passed in, as this package does not know the crawler's readers."""
    allowed = frozenset(h.lower() for h in host_exceptions)
    problems: list[str] = []
    first_by_name: dict[str, int] = {}
    first_by_url: dict[str, int] = {}
    for index, source in enumerate(sources, start=1):
        row = f"#{index} {source.name or '<no name>'}"
        problems += [f"{row}: {p}" for p in _row_problems(source, allowed, list_forms)]
        if source.name:
            if source.name in first_by_name:
                problems.append(f"{row}: duplicate name (first at #{first_by_name[source.name]})")
            first_by_name.setdefault(source.name, index)
        url_key = _url_identity(source.start_url)
        if url_key:
            if url_key in first_by_url:
                problems.append(f"{row}: duplicate start_url (first at #{first_by_url[url_key]})")
            first_by_url.setdefault(url_key, index)
    return problems


def _row_problems(source: Source, allowed_hosts: frozenset[str], list_forms: Collection[str] | None) -> list[str]:
    problems = []
    if not source.name:
        problems.append("empty name")
    if not source.region:
        problems.append("empty region")
    if source.level not in LEVELS:
        problems.append(f"unknown level {source.level!r} (expected one of {', '.join(LEVELS)})")
    elif source.level == "department" and not any(level in source.notes for level in GOVERNMENT_LEVELS):
        problems.append("department without its government level in notes")
    if source.list_form is not None and list_forms is not None and source.list_form not in list_forms:
        problems.append(f"unknown list_form {source.list_form!r}")
    for name in ("budget_pages", "budget_depth"):
        if getattr(source, name) == -1:
            problems.append(f"{name} is not a whole number")
    url_problem = _url_problem(source.start_url)
    if url_problem:
        problems.append(f"start_url {source.start_url!r}: {url_problem}")
    else:
        problems += _host_problems(url_host(source.start_url), "start_url host", allowed_hosts)
    for domain in source.domains:
        if url_host(f"http://{domain}") != domain.lower():
            problems.append(f"domain {domain!r} is not a bare host name")
        else:
            problems += _host_problems(domain.lower(), "domain", allowed_hosts)
    return problems


def _url_problem(url: str) -> str | None:
    """Why `url` is not an absolute http(s) URL with a host, or None."""
    if not url:
        return "empty"
    if any(ch.isspace() for ch in url):
        return "contains whitespace"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        return f"unparsable ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"scheme must be http or https, not {parts.scheme!r}"
    if not parts.hostname:
        return "no host"
    if "." not in parts.hostname and parts.hostname != "localhost" and not _is_ip(parts.hostname):
        return f"host {parts.hostname!r} is not a domain name or an IP address"
    return None


def _host_problems(host: str, what: str, allowed_hosts: frozenset[str]) -> list[str]:
    if host in allowed_hosts:
        return []
    if _is_ip(host):
        return [f"{what} {host!r} is a bare IP address, not a government host"]
    if host != GOV_SUFFIX[1:] and not host.endswith(GOV_SUFFIX):
        return [f"{what} {host!r} is not a government host (*{GOV_SUFFIX})"]
    return []


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _url_identity(url: str) -> str:
    """Comparison key for duplicate detection: canonical URL without its scheme."""
    if _url_problem(url):
        return url
    return canonicalize_url(url).split("://", 1)[1]


def source_for_url(url: str) -> Source:
    """Ad-hoc source for `-a start_url=URL`: named after its host, level "unknown"."""
    start_url = add_http_if_no_scheme(url.strip())
    problem = _url_problem(start_url)
    if problem:
        raise SourceRegistryError(f"start_url {url!r}: {problem}")
    host = url_host(start_url)
    return Source(name=host, region="", level=AD_HOC_LEVEL, start_url=start_url, notes="ad-hoc start_url")


def registry_entry_for_url(url: str, registry: Iterable[Source]) -> Source | None:
    """The registry entry of the portal `url` is on: same host (www. aside), the entry whose start
    URL path is the longest prefix of `url`'s path winning; None when no entry has that host."""
    host = url_host(url).removeprefix("www.")
    path = urlsplit(url).path or "/"
    matches = [s for s in registry if host and host in (h.removeprefix("www.") for h in s.hosts())]
    if not matches:
        return None
    return max(matches, key=lambda s: (path.startswith(urlsplit(s.start_url).path or "/"),
                                       len(urlsplit(s.start_url).path)))


def source_for_start_url(url: str, registry: Iterable[Source] | None = None) -> Source:
    """Source for a command-line start URL: its registry entry (the bundled registry by default),
    started from the URL given; an ad-hoc source (`source_for_url`) for a portal not registered."""
    ad_hoc = source_for_url(url)
    entry = registry_entry_for_url(ad_hoc.start_url, load_sources() if registry is None else registry)
    if entry is None:
        return ad_hoc
    if _url_identity(entry.start_url) == _url_identity(ad_hoc.start_url):
        return entry
    notes = "; ".join(n for n in (entry.notes, "started from a command-line start_url") if n)
    return dataclasses.replace(entry, start_url=ad_hoc.start_url, notes=notes)


def write_sources(path: str | os.PathLike[str], sources: Iterable[Source]) -> None:
    """Write a registry CSV that `load_sources` reads back (for `gov-reports due --csv`)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        for source in sources:
            writer.writerow({**dataclasses.asdict(source), "list_form": source.list_form or "",
                             "domains": " ".join(source.domains)})


def source_from_row(row: Mapping[str, str | None]) -> Source:
    """A source as the archive's `sources` table stores it."""
    return _source_from_record({key: row.get(key) or "" for key in COLUMNS})


# The public suffix list bundled with tldextract: never downloaded at run time.
_DOMAINS = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def site_domain(host: str) -> str:
    """The registrable domain of a host (xxgk.city.gov.cn → city.gov.cn); the host itself for an IP
    address or a name under no public suffix (www. dropped)."""
    host = host.lower()
    return _DOMAINS(host).top_domain_under_public_suffix or host.removeprefix("www.")


def host_in_scope(url: str, hosts: tuple[str, ...]) -> bool:
    """The URL's host is one of the source's hosts or a subdomain of one (www. ignored), or another
    host of the same registrable domain: the government's disclosure platform (xxgk.<domain>) or a
    department's site (<dept>.<domain>), reached because the portal links it."""
    host = (urlsplit(url).hostname or "").lower()
    if host and any(site_domain(host) == site_domain(allowed) for allowed in hosts):
        return True
    for allowed in hosts:
        allowed = allowed.lower().removeprefix("www.")
        if host == allowed or host.endswith("." + allowed) or host == "www." + allowed:
            return True
    return False
