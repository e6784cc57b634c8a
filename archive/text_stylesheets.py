"""XSLT stylesheets with text output: a page's text read in libxslt (C) instead of a Python walk over
every node. libxslt stops at a nesting limit (`etree.XSLTApplyError`); callers keep a walk for that."""

from __future__ import annotations

from lxml import etree


def text_stylesheet(templates: str) -> etree.XSLT:
    """A stylesheet of `templates` whose output is text: elements without a template give their
    content, text nodes themselves, comments and processing instructions nothing."""
    return etree.XSLT(etree.XML(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        f'<xsl:output method="text" encoding="UTF-8"/>{templates}</xsl:stylesheet>'))
