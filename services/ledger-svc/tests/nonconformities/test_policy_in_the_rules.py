"""Who may is checked by the rules themselves (nonconformities/policy.py), not only by the
routes: a caller reaching them past HTTP is refused the same, before anything is written."""

import pytest
from sqlalchemy import func, select

from guanjia_shared.auth import Principal
from guanjia_shared.errors import Forbidden
from ledger_svc.nonconformities import service
from ledger_svc.nonconformities.models import Nonconformity, NonconformityOpen

AGENT = Principal(id="agent-1", username="agent", roles=frozenset({"agent"}), department="财务处")


async def test_an_agent_opens_no_nonconformity_past_http(session_factory):
    async with session_factory() as session:
        with pytest.raises(Forbidden):
            await service.open_nonconformity(
                session=session,
                actor=AGENT,
                quality_office=None,
                data=NonconformityOpen(
                    source="audit",
                    procedure_code="GJ-CW-001",
                    department="财务处",
                    description="抽查发现",
                ),
            )
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Nonconformity)) == 0


async def test_a_department_lists_only_its_own_past_http(session_factory):
    stranger = Principal(id="u-2", username="x", roles=frozenset({"unit_staff"}))
    async with session_factory() as session:
        with pytest.raises(Forbidden):
            await service.list_nonconformities(
                session=session, actor=stranger, quality_office=None, page=None
            )
