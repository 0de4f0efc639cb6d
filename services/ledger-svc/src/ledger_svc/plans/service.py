from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.pagination import PageParams, fetch_page
from ledger_svc.plans.models import Plan


async def list_plans(
    *, session: AsyncSession, page: PageParams, year: int | None = None
) -> tuple[list[Plan], int]:
    query = select(Plan).order_by(Plan.year.desc(), Plan.title)
    if year is not None:
        query = query.where(Plan.year == year)
    return await fetch_page(session, query, page)
