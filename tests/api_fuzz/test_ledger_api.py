"""ledger-svc against its own OpenAPI document: no 5xx, and every answer (status, content
type, body) as documented, for schema-valid and schema-violating cases alike."""

import pytest
from hypothesis import settings

from ledger_svc.config import Settings
from ledger_svc.main import create_app
from tests.api_fuzz.fuzzing import FUZZ_SETTINGS, ON_POSTGRES, ON_SQLITE, FuzzedService, Seeder

API = "/api/v1/ledger"
DEPARTMENT = "综合处"


def seed(api: Seeder) -> None:
    """A plan with an item under way and an intervention on it, and a campaign with an
    activity."""
    plan = api.post(f"{API}/plans", {"year": 2026, "title": "2026年工作要点"}, keep_as="plan_id")
    item = api.post(
        f"{API}/plans/{plan['id']}/items",
        {
            "title": "办公用房清理整改",
            "owner_id": "owner-1",
            "department": DEPARTMENT,
            "starts_on": "2026-01-01",
            "deadline": "2026-06-30",
        },
        keep_as="item_id",
    )["id"]
    api.post(f"{API}/items/{item}/progress", {"percent": 40, "note": "按计划推进"})
    api.post(
        f"{API}/items/{item}/interventions",
        {"instruction": "加快进度"},
        keep_as="intervention_id",
    )
    campaign = api.post(
        f"{API}/campaigns",
        {"year": 2026, "theme": "作风建设年", "starts_on": "2026-03-01", "ends_on": "2026-11-30"},
        keep_as="campaign_id",
    )["id"]
    api.post(
        f"{API}/campaigns/{campaign}/activities",
        {"kind": "training", "title": "业务培训", "held_on": "2026-04-01"},
        keep_as="activity_id",
    )
    api.ids["department"].append(DEPARTMENT)


LEDGER = FuzzedService("ledger", create_app, Settings, seed)
schema = LEDGER.schema()


@pytest.fixture
def ledger(live_services, database_backend):
    return live_services.get(LEDGER, database_backend)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=25)
@ON_SQLITE
def test_ledger_api_as_bureau_lead(case, ledger):
    ledger.call_and_validate(case, ledger.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=10)
@ON_POSTGRES
def test_ledger_api_as_bureau_lead_on_postgres(case, ledger):
    ledger.call_and_validate(case, ledger.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=5)
@ON_SQLITE
def test_ledger_api_as_unit_staff(case, ledger):
    ledger.call_and_validate(case, ledger.unit_staff)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=3)
@ON_POSTGRES
def test_ledger_api_as_unit_staff_on_postgres(case, ledger):
    ledger.call_and_validate(case, ledger.unit_staff)
