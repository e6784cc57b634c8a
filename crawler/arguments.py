"""The spider's `-a` arguments, checked before anything is crawled: one line per mistake, naming it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Mapping, TypeVar

from archive.sources import Source, SourceRegistryError, load_sources, source_for_start_url

T = TypeVar("T")
KNOWN = ("start_url", "sources", "year", "hops")
# Disclosure reports exist since the 2008 regulation; next year's is never out before it ends.
FIRST_DATA_YEAR = 2007


class ArgumentError(ValueError):
    """A spider argument that cannot be used; the message names it and says what is expected."""


@dataclass(frozen=True)
class SpiderArguments:
    sources: tuple[Source, ...]
    year: int | None
    hops: int | None

    @classmethod
    def parse(cls, args: Mapping[str, str | None]) -> "SpiderArguments":
        """Validate `-a name=value` pairs; raises ArgumentError on the first unusable one."""
        unknown = [name for name in args if name not in KNOWN and not name.startswith("_")]
        if unknown:
            raise ArgumentError(f"-a {unknown[0]}: unknown argument (known: {', '.join(KNOWN)})")
        return cls(sources=tuple(_sources(args.get("start_url"), args.get("sources"))),
                   year=_year(args.get("year")), hops=_hops(args.get("hops")))


def _sources(start_url: str | None, sources_file: str | None) -> list[Source]:
    """-a start_url=URL[,URL…] and/or -a sources=FILE; with neither, the bundled registry."""
    resolved: list[Source] = []
    if sources_file:
        resolved.extend(_named("sources", load_sources, sources_file))
    if start_url is not None:
        urls = [url.strip() for url in start_url.split(",") if url.strip()]
        if not urls:
            raise ArgumentError("-a start_url: expected one or more http(s) URLs, comma-separated, got none")
        resolved.extend(_named("start_url", source_for_start_url, url) for url in urls)
    return resolved or load_sources()


def _named(name: str, read: Callable[[str], T], value: str) -> T:
    """`read(value)`, its registry error reported as a problem of argument `name`."""
    try:
        return read(value)
    except SourceRegistryError as error:
        message = str(error)
        raise ArgumentError(f"-a {message}" if message.startswith(name) else f"-a {name}: {message}") from None


def _year(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    last = date.today().year
    if not value.strip().isdigit() or not FIRST_DATA_YEAR <= int(value) <= last:
        raise ArgumentError(f"-a year: expected a data year from {FIRST_DATA_YEAR} to {last}, got {value!r}")
    return int(value)


def _hops(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.strip().isdigit():
        raise ArgumentError(f"-a hops: expected a whole number of navigation hops (e.g. 4), got {value!r}")
    return int(value)
