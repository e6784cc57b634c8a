"""What a list form reader finds: document links, and further list requests to make."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archive.links import PageLink

# What the answer to a ListRequest is, and so how it is read.
PAGE = "page"  # a further HTML page of the list, read as any page
DOCUMENT = "document"  # an HTML page the list points to as a document (a report candidate)
HANWEB_XML = "hanweb_xml"  # a Hanweb <datastore> answer of dataproxy.jsp
JSON = "json"  # a JSON list answer (TRS search API, script-loaded lists)


@dataclass(frozen=True)
class ListRequest:
    """One further request a list needs; plain data, so it can ride in a Scrapy request's meta."""

    url: str
    answer: str = PAGE
    method: str = "GET"
    formdata: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    base_url: str = ""  # the list page: record links in the answer are relative to it
    page_field: str | None = None  # the form/query field holding the page number (JSON lists)
    form: str = ""  # the list form that asked for it (trs, hanweb, json_api, …)

    def as_meta(self) -> dict:
        return asdict(self)

    @classmethod
    def from_meta(cls, meta: dict) -> "ListRequest":
        fields = dict(meta)
        for key in ("formdata", "headers"):
            fields[key] = tuple(tuple(pair) for pair in fields.get(key) or ())
        return cls(**fields)

    def field(self, name: str) -> str | None:
        """A form field, else a query parameter, of this request."""
        found = dict(self.formdata).get(name)
        return found if found is not None else dict(parse_qsl(urlsplit(self.url).query)).get(name)

    def with_fields(self, **values: str) -> "ListRequest":
        """The same request with some fields changed, wherever they are (form body or query)."""
        form = dict(self.formdata)
        in_form = {k: v for k, v in values.items() if k in form}
        form.update(in_form)
        query = [(k, values.get(k, v)) for k, v in parse_qsl(urlsplit(self.url).query, keep_blank_values=True)]
        missing = [(k, v) for k, v in values.items() if k not in form and k not in dict(query)]
        if self.method == "POST":
            form.update(dict(missing))
        else:
            query += missing
        parts = urlsplit(self.url)
        url = urlunsplit(parts._replace(query=urlencode(query, safe="/:,")))
        return replace(self, url=url, formdata=tuple(form.items()))


@dataclass(frozen=True)
class ListFindings:
    """Document links a list form holds beyond the page's own <a> tags, and list requests to make."""

    links: tuple[PageLink, ...] = ()
    requests: tuple[ListRequest, ...] = ()
    forms: tuple[str, ...] = ()  # the list forms detected

    def __add__(self, other: "ListFindings") -> "ListFindings":
        return ListFindings(self.links + other.links, self.requests + other.requests,
                            tuple(dict.fromkeys(self.forms + other.forms)))
