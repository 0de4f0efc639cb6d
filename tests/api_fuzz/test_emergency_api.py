"""emergency-svc against its own OpenAPI document: no 5xx, and every answer (status,
content type, body) as documented, for schema-valid and schema-violating cases alike."""

import pytest
from hypothesis import settings

from emergency_svc.config import Settings
from emergency_svc.main import create_app
from tests.api_fuzz.fuzzing import FUZZ_SETTINGS, ON_POSTGRES, ON_SQLITE, FuzzedService, Seeder

API = "/api/v1/emergency"


def seed(api: Seeder) -> None:
    """A fire plan, active; an incident of its type, activated (so it has tasks); a stock
    of supplies; a drill and a training; someone away."""
    plan = api.post(
        f"{API}/plans",
        {
            "code": "P-FIRE-FUZZ",
            "title": "一号楼火灾专项预案",
            "kind": "special",
            "incident_types": ["fire"],
            "organization": [
                {"role": "site_lead", "title": "现场处置组", "holders": ["u-guard"], "deputy": None}
            ],
            "responsibilities": [{"role": "site_lead", "duties": "先期处置"}],
            "activation_criteria": [{"level": "IV", "criteria": "初起火灾"}],
            "procedures": [
                {
                    "level": "IV",
                    "step": 1,
                    "role": "site_lead",
                    "action": "扑救初起火灾",
                    "within_minutes": 5,
                }
            ],
        },
        keep_as="plan_id",
    )
    api.call(
        "POST",
        f"{API}/plans/{plan['id']}/activate",
        headers={"If-Match": f'"{plan["version"]}"'},
    )
    incident = api.post(
        f"{API}/incidents",
        {"type": "fire", "level": "IV", "title": "一号楼三层冒烟", "location": "一号楼"},
        keep_as="incident_id",
    )["id"]
    api.post(f"{API}/incidents/{incident}/activate")
    api.post(
        f"{API}/incidents/{incident}/reports", {"kind": "initial", "content": "初起火灾已扑灭"}
    )
    for task in api.call("GET", f"{API}/tasks")["items"]:
        api.ids["task_id"].append(task["id"])
    api.post(f"{API}/supplies/items", {"code": "fuzz_sandbag", "name": "沙袋", "unit": "袋"})
    api.post(
        f"{API}/supplies",
        {"location": "一号楼仓库", "item_code": "fuzz_sandbag", "quantity": 50, "minimum": 20},
        keep_as="stock_id",
    )
    api.post(
        f"{API}/drills",
        {
            "plan_id": plan["id"],
            "scheduled_at": "2026-05-01T09:00:00+08:00",
            "scenario": "三层起火",
        },
        keep_as="drill_id",
    )
    api.post(
        f"{API}/trainings",
        {"title": "消防器材使用", "scheduled_at": "2026-04-01T09:00:00+08:00"},
        keep_as="training_id",
    )
    api.post(f"{API}/availability", {"user_id": "u-guard", "reason": "休假"})
    api.ids["user_id"].append("u-guard")


EMERGENCY = FuzzedService("emergency", create_app, Settings, seed)
schema = EMERGENCY.schema()


@pytest.fixture
def emergency(live_services, database_backend):
    return live_services.get(EMERGENCY, database_backend)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=25)
@ON_SQLITE
def test_emergency_api_as_bureau_lead(case, emergency):
    emergency.call_and_validate(case, emergency.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=10)
@ON_POSTGRES
def test_emergency_api_as_bureau_lead_on_postgres(case, emergency):
    emergency.call_and_validate(case, emergency.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=5)
@ON_SQLITE
def test_emergency_api_as_unit_staff(case, emergency):
    emergency.call_and_validate(case, emergency.unit_staff)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=3)
@ON_POSTGRES
def test_emergency_api_as_unit_staff_on_postgres(case, emergency):
    emergency.call_and_validate(case, emergency.unit_staff)
