"""The mark every drill-generated text carries, so nobody mistakes a drill for the real thing.

Anything a person would read of a drill starts with 【演练】: its injects, its follow-up
titles, and — through `drill_text` — the title, tasks and timeline entries of an incident
opened for a drill (whose events also carry `is_drill: true`).
"""

from __future__ import annotations

DRILL_PREFIX = "【演练】"


def drill_text(text: str) -> str:
    """`text` with the drill mark in front; a text already marked is left as it is."""
    stripped = text.lstrip()
    if stripped.startswith(DRILL_PREFIX):
        return stripped
    return f"{DRILL_PREFIX}{stripped}"
