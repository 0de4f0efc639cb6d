"""Text people type, as the API takes it in: the types of the text fields of every input
model. Control characters (C0, DEL, C1) are never meant in a title, a name or a note; they
come from pasting or from a fuzzer, break the spreadsheets and logs the text later reaches,
and are refused at the door (422) rather than kept. A note may run over lines and carry
tabs; nothing else.

The rule is a pattern, so the OpenAPI document tells clients what is refused and pydantic
checks it in its core, with every other constraint of the field (lengths, trimming)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import StringConstraints

SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"

# A title, a name, a code, a number, an id: one line, no control character.
SingleLineText = Annotated[str, StringConstraints(pattern=SINGLE_LINE_PATTERN)]
# A note, a reason, a description: lines and tabs, no other control character.
MultiLineText = Annotated[str, StringConstraints(pattern=MULTI_LINE_PATTERN)]

_LINE_BREAKS = re.compile(r"\r\n?|\n|\t")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def as_single_line(text: str) -> str:
    """`text` as SingleLineText takes it: line breaks and tabs become spaces, other control
    characters are left out. For text a service did not take in itself (another service's
    event, written under its own rules) that it keeps in one of its own single-line fields."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", text))


def as_multi_line(text: str) -> str:
    """`text` as MultiLineText takes it: CR LF and CR become LF, other control characters
    (but tab) are left out."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
