"""`matching_plan` and `plan_version`: how incidents find the plan they run under, and read
back the version they ran under."""

import pytest
from sqlalchemy.exc import IntegrityError

from emergency_svc.plans import service
from emergency_svc.plans.document import Level, PlanDocument
from emergency_svc.plans.models import PlanCreate, PlanEdit, PlanIncidentType
from emergency_svc.plans.seed_plans import MASTER_CODE, seed_plan_id
from guanjia_shared.errors import Conflict, NotFound

from .emergency_plan_helpers import LEADER, master_body, plan_body


async def _plan(session_factory, *, activate=True, body=None):
    async with session_factory() as session:
        plan = await service.create_plan(
            session=session, data=PlanCreate.model_validate(body or plan_body()), actor=LEADER
        )
        if activate:
            plan = await service.activate_plan(session=session, plan_id=plan.id, actor=LEADER)
        return plan


async def _match(session_factory, incident_type):
    async with session_factory() as session:
        return await service.matching_plan(session, incident_type)


async def test_nothing_active_matches_nothing(session_factory):
    # The seeded plans are drafts.
    assert await _match(session_factory, "fire") is None
    await _plan(session_factory, activate=False)
    assert await _match(session_factory, "fire") is None


async def test_the_active_special_plan_is_matched_over_the_master_plan(session_factory):
    await _plan(session_factory, body=master_body())
    special = await _plan(session_factory)

    matched = await _match(session_factory, "fire")
    assert matched is not None
    assert (matched.plan_id, matched.code, matched.version) == (special.id, "P-FIRE-HQ", 1)
    assert isinstance(matched.document, PlanDocument)
    assert [s.action for s in matched.document.procedures_for(Level.IV)] == ["扑救初起火灾"]


async def test_the_master_plan_is_matched_when_no_special_plan_covers_the_type(session_factory):
    master = await _plan(session_factory, body=master_body())
    await _plan(session_factory)
    matched = await _match(session_factory, "gas_leak")
    assert matched is not None and matched.plan_id == master.id and matched.code == "P-MASTER"


async def test_a_retired_plan_is_not_matched(session_factory):
    special = await _plan(session_factory)
    async with session_factory() as session:
        await service.retire_plan(session=session, plan_id=special.id, actor=LEADER)
    assert await _match(session_factory, "fire") is None


async def test_the_seeded_master_plan_once_active_covers_every_type(session_factory):
    async with session_factory() as session:
        await service.activate_plan(
            session=session, plan_id=seed_plan_id(MASTER_CODE), actor=LEADER
        )
    matched = await _match(session_factory, "earthquake")
    assert matched is not None and matched.code == MASTER_CODE
    assert len(matched.document.procedures_for(Level.I)) > 0


async def test_an_incident_reads_back_the_version_it_ran_under(session_factory):
    special = await _plan(session_factory)
    ran_under = await _match(session_factory, "fire")
    async with session_factory() as session:
        await service.edit_plan(
            session=session,
            plan_id=special.id,
            data=PlanEdit(title="一号楼火灾专项预案（2027）"),
            actor=LEADER,
        )

    now_matched = await _match(session_factory, "fire")
    assert now_matched.version == 2 and now_matched.document.title == "一号楼火灾专项预案（2027）"
    async with session_factory() as session:
        first = await service.plan_version(session, special.id, ran_under.version)
    assert first == ran_under and first.document.title == "一号楼火灾专项预案"


async def test_an_unknown_plan_or_version_is_not_found(session_factory):
    special = await _plan(session_factory)
    async with session_factory() as session:
        with pytest.raises(NotFound):
            await service.plan_version(session, special.id, 2)
        with pytest.raises(NotFound):
            await service.plan_version(session, "no-such-plan", 1)


async def test_the_database_refuses_a_second_type_in_force_even_past_the_check(
    session_factory,
):
    """Two activations at once both pass the check; the unique index stops the second."""
    await _plan(session_factory)
    second = await _plan(
        session_factory, activate=False, body=plan_body(code="P-FIRE-2", title="火灾预案二")
    )
    async with session_factory() as session:
        session.add(PlanIncidentType(plan_id=second.id, incident_type="fire", in_force=True))
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_an_activation_that_loses_the_race_names_the_winner(session_factory, monkeypatch):
    winner = await _plan(session_factory)
    loser = await _plan(
        session_factory, activate=False, body=plan_body(code="P-FIRE-2", title="火灾预案二")
    )
    check = service._ensure_no_other_plan_in_force
    calls = []

    async def check_that_misses_the_first_time(*args):
        # As if the winner committed between our check and our write.
        calls.append(args)
        if len(calls) > 1:
            await check(*args)

    monkeypatch.setattr(service, "_ensure_no_other_plan_in_force", check_that_misses_the_first_time)
    async with session_factory() as session:
        with pytest.raises(Conflict) as refused:
            await service.activate_plan(session=session, plan_id=loser.id, actor=LEADER)
    assert refused.value.extra["active_plan_id"] == winner.id
    assert refused.value.extra["rule"] == "one-active-plan-per-incident-type"
    async with session_factory() as session:
        assert (await service.get_plan(session=session, plan_id=loser.id)).status == "draft"
