"""Row ids: one factory for every table and event."""

from __future__ import annotations

import os
import time
import uuid

_VERSION_7 = 0x7 << 76
_VARIANT_RFC = 0x2 << 62
_RANDOM_BITS = (1 << 80) - 1
_VERSION_AND_VARIANT = (0xF << 76) | (0x3 << 62)


def new_id() -> str:
    """A time-ordered UUID (version 7, RFC 9562), as text, for a new row or event.

    Its first 48 bits are the Unix time in milliseconds, the rest random (74 bits): ids made
    later sort later, so a table's primary key grows at its right edge instead of splitting
    pages all over the index (bench/ids.py measured what that saves), and an id still
    cannot be guessed from another.
    """
    milliseconds = time.time_ns() // 1_000_000
    random_bits = int.from_bytes(os.urandom(10)) & _RANDOM_BITS
    value = (milliseconds << 80 | random_bits) & ~_VERSION_AND_VARIANT
    return str(uuid.UUID(int=value | _VERSION_7 | _VARIANT_RFC))
