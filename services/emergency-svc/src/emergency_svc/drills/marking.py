"""The mark every drill-generated text carries, so nobody mistakes a drill for the real thing.

The issue: "Every drill-generated task and event is marked as a drill (the 【演练】 prefix on
anything a person would read)". Injects, follow-up titles, and — through `drill_text` — the
tasks and timeline entries of an incident opened for a drill all start with it.
"""

from __future__ import annotations

DRILL_PREFIX = "【演练】"


def drill_text(text: str) -> str:
    """`text` with the drill mark in front; a text already marked is left as it is."""
    stripped = text.lstrip()
    if stripped.startswith(DRILL_PREFIX):
        return stripped
    return f"{DRILL_PREFIX}{stripped}"
