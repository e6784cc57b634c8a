"""Parsing of archived report documents into ParsedReport (format-spec §6-§11)."""

from archive.parsing.report import parse_report

__all__ = ["parse_report"]
