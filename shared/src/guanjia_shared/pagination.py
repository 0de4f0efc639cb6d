"""`{items, total}` pages with `limit` (default 50, at most 500) and `offset`, and the
text search (`q`) that lists offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

ItemT = TypeVar("ItemT")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# The largest OFFSET SQLite and PostgreSQL take (a signed 64-bit integer); past it the
# driver fails, so a larger one is refused as invalid input.
MAX_OFFSET = 2**63 - 1


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    total: int


@dataclass(frozen=True)
class PageParams:
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageQuery = Annotated[PageParams, Depends(page_params)]

SearchQuery = Annotated[
    str | None,
    Query(max_length=100, description="Only rows whose named columns contain this text."),
]


def containing(text: str, *columns: Any) -> ColumnElement[bool]:
    """Rows where any of `columns` contains `text` as typed, whatever its letters' case:
    `%` and `_` are characters to find, not LIKE's wildcards."""
    literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(column.ilike(f"%{literal}%", escape="\\") for column in columns))


async def fetch_page(
    session: AsyncSession, query: Select[Any], params: PageParams
) -> tuple[list[Any], int]:
    """The rows of `query` in the page, and how many there are in all."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.execute(query.limit(params.limit).offset(params.offset))).scalars().all()
    return list(rows), int(total or 0)
