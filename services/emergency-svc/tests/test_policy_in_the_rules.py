"""Who may do what is checked by the rules themselves (each domain's policy.py), not only by
the routes: a caller that reaches a rule past HTTP is refused the same, before anything is
read or written."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from emergency_svc.config import Settings
from emergency_svc.drills import service as drills
from emergency_svc.drills import trainings
from emergency_svc.drills.models import Drill, DrillCreate, Training, TrainingCreate
from emergency_svc.incident_types import service as incident_types
from emergency_svc.incident_types.models import IncidentType, IncidentTypeCreate
from emergency_svc.incidents import closing
from emergency_svc.incidents import service as incidents
from emergency_svc.incidents.models import ActivateIn, CloseIn, LevelChangeIn
from emergency_svc.incidents.time_limits import ResponseTimeLimits
from emergency_svc.plans import service as plans
from emergency_svc.plans.document import Level
from emergency_svc.plans.models import EmergencyPlan, PlanEdit
from emergency_svc.supplies import service as supplies
from emergency_svc.supplies.models import SupplyItem, SupplyItemCreate
from emergency_svc.tasks import service as tasks
from emergency_svc.tasks.models import TaskReassignIn
from guanjia_shared.auth import Principal
from guanjia_shared.errors import Forbidden

AGENT = Principal(id="agent-1", username="agent", roles=frozenset({"agent"}))
LIMITS = ResponseTimeLimits.from_settings(Settings())
SOON = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)

# Each rule an agent may not use, called as another caller would; the ids name nothing, as
# the refusal comes before any lookup.
REFUSED = {
    "activate an incident": lambda session: incidents.activate(
        session=session, incident_id="none", data=ActivateIn(), actor=AGENT, limits=LIMITS
    ),
    "change its level": lambda session: incidents.change_level(
        session=session,
        incident_id="none",
        data=LevelChangeIn(level=Level.III, reason="火势扩大"),
        actor=AGENT,
        limits=LIMITS,
    ),
    "close it": lambda session: closing.close(
        session=session, incident_id="none", data=CloseIn(summary="已处置"), actor=AGENT
    ),
    "hand a task on": lambda session: tasks.reassign(
        session=session,
        task_id="none",
        data=TaskReassignIn(assignee="guard-1", reason="原负责人住院"),
        actor=AGENT,
        limits=LIMITS,
    ),
    "edit a plan": lambda session: plans.edit_plan(
        session=session, plan_id="none", data=PlanEdit(title="总体预案"), actor=AGENT
    ),
    "retire a plan": lambda session: plans.retire_plan(
        session=session, plan_id="none", actor=AGENT
    ),
    "add a supply item": lambda session: supplies.create_item(
        session=session, data=SupplyItemCreate(code="sandbag", name="沙袋", unit="袋"), actor=AGENT
    ),
    "schedule a drill": lambda session: drills.schedule_drill(
        session=session,
        data=DrillCreate(plan_id="none", scheduled_at=SOON, scenario="二号楼配电室火灾"),
        actor=AGENT,
    ),
    "schedule a training": lambda session: trainings.schedule_training(
        session=session, data=TrainingCreate(title="灭火器使用培训", scheduled_at=SOON), actor=AGENT
    ),
    "add an incident type": lambda session: incident_types.create_incident_type(
        session=session, data=IncidentTypeCreate(code="sinkhole", name="地面塌陷"), actor=AGENT
    ),
}


async def test_the_rules_refuse_whom_the_routes_refuse(session_factory):
    async def counts():
        async with session_factory() as session:
            return [
                await session.scalar(select(func.count()).select_from(table))
                for table in (EmergencyPlan, SupplyItem, Drill, Training, IncidentType)
            ]

    before = await counts()
    assert len(REFUSED) == 10
    for action, call in REFUSED.items():
        async with session_factory() as session:
            with pytest.raises(Forbidden):
                await call(session)
                pytest.fail(f"an agent was let {action}")
    assert await counts() == before
