"""Row ids: one factory for every table and event."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """A random UUID, as text, for a new row or event."""
    return str(uuid.uuid4())
