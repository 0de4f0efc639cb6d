from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.pagination import PageParams, fetch_page
from ticket_svc.commitments.models import Commitment


async def list_commitments(
    *, session: AsyncSession, page: PageParams, published_only: bool
) -> tuple[list[Commitment], int]:
    query = select(Commitment).order_by(Commitment.code)
    if published_only:
        query = query.where(Commitment.published.is_(True))
    return await fetch_page(session, query, page)
