"""A rule's templates: text with `{field}` where the event's value goes, nothing more (no
attribute or index look-ups, which `str.format` would allow on what an admin typed). A
moment shows as the bureau's clock reads it (`2026-12-07 10:00`), as a person reads a
deadline in a text message.

What an event carries was written under another service's rules: each value is made one
line, without control characters, and cut to `VALUE_MAX` characters before it goes into a
text; a value going into a link is percent-encoded, so that it stays one path segment."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import AfterValidator

from guanjia_shared.bureau_time import BUREAU_TIMEZONE
from guanjia_shared.text import SingleLineText, as_single_line

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,63})\}")
VALUE_MAX = 200
MISSING = "—"
# An ISO moment with its offset, as events carry them.
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def _well_formed(template: str) -> str:
    """Braces only around a field's name."""
    if "{" in PLACEHOLDER.sub("", template) or "}" in PLACEHOLDER.sub("", template):
        raise ValueError("braces stand only around a field's name, as in {title}")
    return template


def _console_path(template: str) -> str:
    if not template.startswith("/") or template.startswith("//"):
        raise ValueError("a link is a path in the console, starting with one /")
    return template


TextTemplate = Annotated[SingleLineText, AfterValidator(_well_formed)]
LinkTemplate = Annotated[
    SingleLineText, AfterValidator(_well_formed), AfterValidator(_console_path)
]


def value_text(value: Any) -> str:
    """An event's value as a condition compares it and a text shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "、".join(value_text(each) for each in value)
    return as_single_line(str(value))[:VALUE_MAX]


def shown(value: Any) -> str:
    """An event's value as a person reads it in a message."""
    if isinstance(value, str) and MOMENT.match(value):
        moment = datetime.fromisoformat(value).astimezone(BUREAU_TIMEZONE)
        return moment.strftime("%Y-%m-%d %H:%M")
    return value_text(value) or MISSING


def render_text(template: str, data: dict[str, Any]) -> str:
    return PLACEHOLDER.sub(lambda match: shown(data.get(match[1])), template)


def render_link(template: str, data: dict[str, Any]) -> str:
    return PLACEHOLDER.sub(
        lambda match: quote(value_text(data.get(match[1])) or MISSING, safe=""), template
    )
