"""A management review's pack against hand-counted figures: the period's audits and their
findings, the nonconformities and their stages, satisfaction and SLA compliance from
ticket-svc's events, ledger completion, the objectives, and the previous review's outputs
— the period's bounds are the bureau's days (23:00 on its last day is in, 00:30 the next
day is out); collected again in draft, frozen once held."""

import datetime as dt

import pytest

from guanjia_shared.auth import Principal
from guanjia_shared.clock import frozen_at
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.errors import Conflict
from ledger_svc.audits.models import Audit, AuditFinding, AuditProgramme
from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.items.models import Item
from ledger_svc.nonconformities.models import Nonconformity
from ledger_svc.objectives.consumers import observe_closed_ticket, observe_rating
from ledger_svc.objectives.models import ObjectiveCreate
from ledger_svc.objectives.service import set_objective
from ledger_svc.plans.models import Plan
from ledger_svc.reviews import service
from ledger_svc.reviews.models import OutputCreate, ReviewCreate, Verification

from .review_helpers import FINANCE, QUALITY_OFFICE, REPAIRS, closed, moment, rating

LEADER = Principal(id="leader-1", username="leader", roles=frozenset({"leader"}))
SETTINGS = Settings(quality_office=QUALITY_OFFICE)
COLLECTED = moment("2026-07-10", 9)


def utc(day, hour, minute=0):
    return moment(day, hour, minute).astimezone(dt.UTC)


@pytest.fixture
async def session_factory(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    yield create_session_factory(engine, service="ledger")
    await engine.dispose()


async def the_period_as_it_went(session_factory):
    """Audits, nonconformities and ledger items as rows; ticket-svc's events through the
    objectives' consumer."""
    async with session_factory() as session:
        programme = AuditProgramme(year=2026, title="2026年内部审核方案", created_by="admin")
        session.add(programme)
        await session.flush()

        def audit(reported_at, findings):
            row = Audit(
                programme_id=programme.id,
                title="内部审核",
                departments=[FINANCE],
                lead_auditor_id="lead",
                starts_on=dt.date(2026, 3, 1),
                ends_on=dt.date(2026, 3, 31),
                status="reported" if reported_at else "in_progress",
                planned_by="admin",
                reported_at=reported_at,
            )
            session.add(row)
            for kind, severity in findings:
                session.add(
                    AuditFinding(
                        audit_id=row.id,
                        kind=kind,
                        severity=severity,
                        evidence="e",
                        department=FINANCE,
                        recorded_by="lead",
                    )
                )

        NC = "nonconformity"
        audit(
            utc("2026-03-15", 10),
            [
                ("conformity", None),
                ("conformity", None),
                (NC, "major"),
                (NC, "minor"),
                (NC, "minor"),
                ("observation", None),
            ],
        )
        audit(utc("2026-06-30", 23), [("improvement", None), (NC, "minor")])
        audit(utc("2026-07-01", 1), [("conformity", None)] * 3)  # reported after the period
        audit(None, [("observation", None)])  # still in progress

        def nonconformity(opened_at, stage, source):
            session.add(
                Nonconformity(
                    source=source,
                    procedure_code="GJ-CW-001",
                    department=FINANCE,
                    description="d",
                    stage=stage,
                    opened_at=opened_at,
                )
            )

        nonconformity(utc("2026-02-01", 10), "containment", "audit")
        nonconformity(utc("2026-03-01", 10), "closed", "complaint")
        nonconformity(utc("2026-05-05", 10), "corrective_actions", "automatic")
        nonconformity(utc("2025-12-31", 10), "root_cause", "audit")  # before: open now
        nonconformity(utc("2026-07-02", 10), "containment", "complaint")  # after: open now

        plan = Plan(year=2026, title="2026年工作计划")
        session.add(plan)
        await session.flush()
        for deadline, completed in (
            ("2026-02-10", utc("2026-02-10", 18)),  # on time
            ("2026-05-20", None),  # overdue
            ("2026-06-30", utc("2026-07-01", 9)),  # a day late
            ("2026-07-05", utc("2026-07-04", 9)),  # due after the period
        ):
            session.add(
                Item(
                    plan_id=plan.id,
                    title="t",
                    owner_id="owner",
                    department=REPAIRS,
                    starts_on=dt.date(2026, 1, 1),
                    deadline=dt.date.fromisoformat(deadline),
                    original_deadline=dt.date.fromisoformat(deadline),
                    status="done" if completed else "open",
                    completed_at=completed,
                )
            )
        await session.commit()

    events = [
        rating("2026-03-02", 5),
        rating("2026-03-03", 4),
        rating("2026-03-04", 2),
        rating("2026-06-30", 1, hour=23),  # the period's last evening
        rating("2026-07-01", 5, hour=0),  # 16:00 UTC on 30 June: the bureau's July
        closed("2026-02-02", True),
        closed("2026-04-02", True),
        closed("2026-05-02", True),
        closed("2026-06-02", False),
        closed("2025-12-31", True),
    ]
    for event in events:
        handler = observe_rating if event.short_type.endswith("recorded") else observe_closed_ticket
        async with session_factory() as session:
            await handler(session, event)
            await session.commit()


async def a_previous_review(session_factory):
    """Held in January: a decision verified, an action still open."""
    with frozen_at(moment("2026-01-10", 9)):
        async with session_factory() as session:
            review = await service.make_review(
                session=session,
                actor=LEADER,
                quality_office=QUALITY_OFFICE,
                data=ReviewCreate(
                    title="2025年度管理评审",
                    held_on="2026-01-10",
                    period_from="2025-01-01",
                    period_to="2025-12-31",
                    chair_id=LEADER.id,
                ),
            )
        async with session_factory() as session:
            await service.hold_review(
                session=session, actor=LEADER, quality_office=QUALITY_OFFICE, review_id=review.id
            )
        outputs = []
        for body in (
            {"kind": "decision", "text": "质量方针不变"},
            {
                "kind": "action",
                "text": "修订报销流程",
                "owner_id": "owner-2",
                "department": FINANCE,
                "deadline": "2026-09-30",
            },
        ):
            async with session_factory() as session:
                outputs.append(
                    await service.add_output(
                        session=session,
                        actor=LEADER,
                        settings=SETTINGS,
                        review_id=review.id,
                        data=OutputCreate(**body),
                    )
                )
        async with session_factory() as session:
            await service.verify_output(
                session=session,
                actor=LEADER,
                quality_office=QUALITY_OFFICE,
                review_id=review.id,
                output_id=outputs[0].id,
                data=Verification(evidence="已发布"),
            )
    return review, outputs


async def test_the_pack_holds_the_periods_figures_as_counted_by_hand(session_factory):
    await the_period_as_it_went(session_factory)
    previous, outputs = await a_previous_review(session_factory)
    with frozen_at(COLLECTED):
        async with session_factory() as session:
            objective = await set_objective(
                session=session,
                actor=LEADER,
                quality_office=QUALITY_OFFICE,
                data=ObjectiveCreate(
                    title="满意率不低于90%", measure="satisfaction", target=90, year=2026
                ),
            )
        async with session_factory() as session:
            review = await service.make_review(
                session=session,
                actor=LEADER,
                quality_office=QUALITY_OFFICE,
                data=ReviewCreate(
                    title="2026年上半年管理评审",
                    held_on="2026-07-15",
                    period_from="2026-01-01",
                    period_to="2026-06-30",
                    chair_id=LEADER.id,
                    participants=["head-1", "head-2"],
                ),
            )

    pack = review.pack
    assert review.pack_collected_at == COLLECTED
    assert pack["collected_at"] == COLLECTED.isoformat()
    assert pack["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert pack["audits"] == {
        "held": 2,
        "findings_by_kind": {
            "conformity": 2,
            "nonconformity": 4,
            "observation": 1,
            "improvement": 1,
        },
        "by_severity": {"major": 1, "minor": 3},
    }
    assert pack["nonconformities"] == {
        "opened": 3,
        "by_stage": {
            "containment": 1,
            "root_cause": 0,
            "corrective_actions": 1,
            "effectiveness_check": 0,
            "closed": 1,
        },
        "by_source": {"audit": 1, "complaint": 1, "automatic": 1},
        "open_now": 4,
    }
    assert pack["satisfaction"] == {"counted": 4, "met": 2, "percent": 50.0}
    assert pack["sla_compliance"] == {"counted": 4, "met": 3, "percent": 75.0}
    assert pack["ledger_completion"] == {"counted": 3, "met": 1, "percent": 33.3}
    # The year so far on 10 July: five ratings (July's 5 among them), three satisfied.
    assert pack["objectives"] == [
        {
            "id": objective.id,
            "title": "满意率不低于90%",
            "measure": "satisfaction",
            "target": 90.0,
            "direction": "at_least",
            "year": 2026,
            "department": None,
            "counted": 5,
            "met_count": 3,
            "value": 60.0,
            "met": False,
        }
    ]
    assert review.previous_review_id == previous.id
    before = pack["previous_review"]
    assert (before["id"], before["status"], before["held_on"]) == (
        previous.id,
        "held",
        "2026-01-10",
    )
    assert [(o["id"], o["kind"], o["status"]) for o in before["outputs"]] == [
        (outputs[0].id, "decision", "verified"),
        (outputs[1].id, "action", "open"),
    ]
    assert before["outputs"][1]["item_id"] == outputs[1].item_id
    assert before["outputs_by_status"] == {"open": 1, "done": 0, "verified": 1}


async def test_the_pack_is_collected_again_in_draft_and_frozen_once_held(session_factory):
    with frozen_at(moment("2026-07-10", 9)):
        async with session_factory() as session:
            review = await service.make_review(
                session=session,
                actor=LEADER,
                quality_office=QUALITY_OFFICE,
                data=ReviewCreate(
                    title="2026年上半年管理评审",
                    held_on="2026-07-15",
                    period_from="2026-01-01",
                    period_to="2026-06-30",
                    chair_id=LEADER.id,
                ),
            )
    assert review.pack["satisfaction"]["counted"] == 0
    await the_period_as_it_went(session_factory)

    with frozen_at(moment("2026-07-12", 9)):
        async with session_factory() as session:
            again = await service.collect_again(
                session=session, actor=LEADER, quality_office=QUALITY_OFFICE, review_id=review.id
            )
        async with session_factory() as session:
            await service.hold_review(
                session=session, actor=LEADER, quality_office=QUALITY_OFFICE, review_id=review.id
            )
    assert again.pack["satisfaction"] == {"counted": 4, "met": 2, "percent": 50.0}
    assert again.pack_collected_at == moment("2026-07-12", 9)

    with frozen_at(moment("2026-07-16", 9)):
        async with session_factory() as session:
            with pytest.raises(Conflict) as refused:
                await service.collect_again(
                    session=session,
                    actor=LEADER,
                    quality_office=QUALITY_OFFICE,
                    review_id=review.id,
                )
    assert refused.value.extra["rule"] == "pack-frozen"
    async with session_factory() as session:
        kept = await service.read_review(
            session=session, actor=LEADER, quality_office=QUALITY_OFFICE, review_id=review.id
        )
    assert kept.pack == again.pack and kept.status == "held"
