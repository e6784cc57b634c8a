"""Reading configuration out of inline scripts without running them: object literals and simple values.

CMS list pages configure their list widgets with object literals (`listModel({listArgs: {…}})`,
`$('#id').jpage({…})`, `var param_123 = {…}`). Only literals, `a || b` and dotted names of other
literals are read; anything computed at run time is left unknown (None).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml import etree

# A string literal (kept) or a comment (dropped): strings first, so "https://…" is not a comment.
_STRING_OR_COMMENT = re.compile(
    r"(\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|//[^\n]*|/\*.*?(?:\*/|\Z)", re.S)
_KEY = re.compile(r"\s*(?:\"([^\"]*)\"|'([^']*)'|([A-Za-z_$][\w$]*))\s*:")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_NAME_PATH = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+")
_OPEN = {"{": "}", "[": "]", "(": ")"}


def script_texts(root: etree._Element) -> list[str]:
    """The code of every inline script of the page, comments removed (type="text/xml" data islands excluded)."""
    return [strip_comments(script.text) for script in root.iter("script")
            if script.text and "xml" not in (script.get("type") or "").lower()]


def strip_comments(code: str) -> str:
    return _STRING_OR_COMMENT.sub(lambda m: m.group(1) or "", code)


def balanced(code: str, start: int) -> str | None:
    """The bracketed text opening at code[start] ({, [ or (), brackets inside strings ignored."""
    if start >= len(code) or code[start] not in _OPEN:
        return None
    stack: list[str] = []
    index = start
    while index < len(code):
        char = code[index]
        if char in "\"'`":
            match = _STRING_OR_COMMENT.match(code, index)
            index = match.end() if match else index + 1
            continue
        if char in _OPEN:
            stack.append(_OPEN[char])
        elif stack and char == stack[-1]:
            stack.pop()
            if not stack:
                return code[start:index + 1]
        index += 1
    return None


def object_after(code: str, pattern: re.Pattern[str] | str) -> str | None:
    """The object literal that follows the first match of pattern (e.g. r"listArgs\\s*:")."""
    match = re.search(pattern, code)
    if not match:
        return None
    brace = code.find("{", match.end())
    if brace < 0 or code[match.end():brace].strip() not in ("", "("):
        return None
    return balanced(code, brace)


def object_fields(literal: str) -> dict[str, str]:
    """Top-level `key: expression` pairs of an object literal, expressions as source text."""
    fields: dict[str, str] = {}
    body, index = literal.strip()[1:-1], 0
    while index < len(body):
        key = _KEY.match(body, index)
        if not key:
            break
        name = next(group for group in key.groups() if group is not None)
        end = _expression_end(body, key.end())
        fields[name] = body[key.end():end].strip()
        index = end + 1
    return fields


def _expression_end(body: str, index: int) -> int:
    """Index of the comma ending the expression that starts at index (or len(body))."""
    while index < len(body):
        char = body[index]
        if char in "\"'`":
            match = _STRING_OR_COMMENT.match(body, index)
            index = match.end() if match else index + 1
            continue
        if char in _OPEN:
            nested = balanced(body, index)
            index += len(nested) if nested else 1
            continue
        if char == ",":
            return index
        index += 1
    return index


def js_value(expression: str, resolve: Callable[[str], str | None] = lambda name: None) -> str | None:
    """A literal's value as text: 'a', "a", 12, `a || b` (first non-empty), Obj.key via resolve."""
    for part in _split_or(expression):
        value = _single_value(part.strip(), resolve)
        if value:
            return value
    return None


def _split_or(expression: str) -> Iterable[str]:
    parts, depth, current, index = [], 0, [], 0
    while index < len(expression):
        char = expression[index]
        if char in "\"'`":
            match = _STRING_OR_COMMENT.match(expression, index)
            end = match.end() if match else index + 1
            current.append(expression[index:end])
            index = end
            continue
        if expression.startswith("||", index) and depth == 0:
            parts.append("".join(current))
            current, index = [], index + 2
            continue
        depth += char in "([{"
        depth -= char in ")]}"
        current.append(char)
        index += 1
    return [*parts, "".join(current)]


def _single_value(part: str, resolve: Callable[[str], str | None]) -> str | None:
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'`":
        return _unescape(part[1:-1])
    if _NUMBER.fullmatch(part):
        return part
    if part in ("true", "false"):
        return part
    if _NAME_PATH.fullmatch(part):
        return resolve(part)
    return None


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def resolver(codes: Iterable[str]) -> Callable[[str], str | None]:
    """Resolve `Obj.key` against `var Obj = {…}` / `Obj = {…}` literals found in codes."""
    joined = "\n".join(codes)

    def resolve(path: str) -> str | None:
        name, *keys = path.split(".")
        literal = object_after(joined, rf"(?<![\w$.]){re.escape(name)}\s*=")
        for key in keys[:-1]:
            literal = object_fields(literal).get(key) if literal else None
        if not literal:
            return None
        expression = object_fields(literal).get(keys[-1])
        return js_value(expression) if expression is not None else None

    return resolve
