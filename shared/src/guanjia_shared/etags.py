"""Versions as ETags, and If-Match for stale-write protection (412)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from guanjia_shared.errors import PreconditionFailed


def etag_of(version: int) -> str:
    return f'"{version}"'


def expected_version_from(if_match: str | None) -> int | None:
    """The version an If-Match header asks for; None when there is no such header."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise PreconditionFailed(f"If-Match {if_match!r} is not a version this service issued")
    return int(tag)


def _if_match_version(if_match: Annotated[str | None, Header()] = None) -> int | None:
    return expected_version_from(if_match)


# A route parameter: the version the caller's If-Match names (None without the header).
IfMatchVersion = Annotated[int | None, Depends(_if_match_version)]
