"""Who may do what is checked by the rules themselves (each domain's policy.py), not only by
the routes: a caller that reaches a rule past HTTP is refused the same, before anything is
read or written."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from guanjia_shared.auth import Principal
from guanjia_shared.errors import Forbidden
from ledger_svc.campaigns import service as campaigns
from ledger_svc.campaigns.models import Campaign, CampaignCreate
from ledger_svc.cleanups import service as cleanups
from ledger_svc.cleanups.models import Cleanup, CleanupDecisionKind, CleanupOpen, DecisionIn
from ledger_svc.config import Settings
from ledger_svc.exceptions.service import exception_thresholds
from ledger_svc.interventions import service as interventions
from ledger_svc.interventions.models import InterventionIn
from ledger_svc.items import service as items
from ledger_svc.items.models import DeadlineMove, ItemCreate
from ledger_svc.plans import service as plans
from ledger_svc.plans.models import Plan, PlanCreate
from ledger_svc.quality import service as quality
from ledger_svc.quality.models import DocumentCreate, DocumentKind, ProcedureDocument

AGENT = Principal(id="agent-1", username="agent", roles=frozenset({"agent"}), department="综合处")
THRESHOLDS = exception_thresholds(Settings())


# Each rule an agent may not use, called as another caller would; the ids name nothing, as
# the refusal comes before any lookup.
REFUSED = {
    "make a plan": lambda session: plans.create_plan(
        session=session, data=PlanCreate(year=2026, title="2026年工作要点"), actor=AGENT
    ),
    "write a campaign": lambda session: campaigns.create_campaign(
        session=session,
        data=CampaignCreate(
            year=2026,
            theme="服务提升年",
            starts_on=dt.date(2026, 4, 1),
            ends_on=dt.date(2026, 6, 30),
        ),
        actor=AGENT,
    ),
    "shape another department's item": lambda session: items.create_item(
        session=session,
        plan_id="no-plan",
        data=ItemCreate(
            title="食堂改造", owner_id=AGENT.id, department="财务处", deadline=dt.date(2026, 12, 31)
        ),
        actor=AGENT,
        thresholds=THRESHOLDS,
    ),
    "move a deadline": lambda session: items.move_deadline(
        session=session,
        item_id="no-item",
        data=DeadlineMove(deadline=dt.date(2026, 12, 31), reason="设备到货推迟"),
        actor=AGENT,
        thresholds=THRESHOLDS,
    ),
    "issue an intervention": lambda session: interventions.issue_intervention(
        session=session, item_id="no-item", data=InterventionIn(instruction="请说明"), actor=AGENT
    ),
    "enter another department's procedure": lambda session: quality.create_document(
        session=session,
        actor=AGENT,
        quality_office=None,
        data=DocumentCreate(
            code="GJ-CW-001",
            kind=DocumentKind.procedure,
            department="财务处",
            owner_id=AGENT.id,
            title="报销流程",
        ),
    ),
    "open a clean-up": lambda session: cleanups.open_cleanup(
        session=session, actor=AGENT, quality_office=None, data=CleanupOpen(name="制度清理")
    ),
    "decide a clean-up's document": lambda session: cleanups.decide_line(
        session=session,
        actor=AGENT,
        quality_office=None,
        cleanup_id="no-cleanup",
        line_id="no-line",
        data=DecisionIn(
            decision=CleanupDecisionKind.abolish,
            rationale="已过时",
            owner_id=AGENT.id,
            deadline=dt.date(2026, 12, 31),
        ),
    ),
}


async def test_the_rules_refuse_whom_the_routes_refuse(session_factory):
    assert len(REFUSED) == 8
    for action, call in REFUSED.items():
        async with session_factory() as session:
            with pytest.raises(Forbidden):
                await call(session)
                pytest.fail(f"an agent was let {action}")
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Plan)) == 0
        assert await session.scalar(select(func.count()).select_from(Campaign)) == 0
        assert await session.scalar(select(func.count()).select_from(ProcedureDocument)) == 0
        assert await session.scalar(select(func.count()).select_from(Cleanup)) == 0
