"""ticket-svc against its own OpenAPI document: no 5xx, and every answer (status, content
type, body) as documented, for schema-valid and schema-violating cases alike."""

import pytest
from hypothesis import settings

from tests.api_fuzz.fuzzing import FUZZ_SETTINGS, ON_POSTGRES, ON_SQLITE, FuzzedService, Seeder
from ticket_svc.config import Settings
from ticket_svc.main import create_app

API = "/api/v1/ticket"
DEPARTMENT = "后勤服务中心"


def seed(api: Seeder) -> None:
    """A calendar, a published commitment, a ticket under way with a comment and a
    coordination, a public rating and an accountability record."""
    api.post(f"{API}/calendars", {"code": "CAL-FUZZ", "name": "工作日"}, keep_as="calendar_id")
    commitment = api.post(
        f"{API}/commitments",
        {
            "code": "C-REPAIR",
            "name": "水电维修",
            "category": "repair",
            "department": DEPARTMENT,
            "response_minutes": 30,
            "resolve_hours": 4,
            "calendar_id": api.first("calendar_id"),
        },
        keep_as="commitment_id",
    )["id"]
    api.post(f"{API}/commitments/{commitment}/publish")
    ticket = api.post(
        f"{API}/tickets",
        {
            "channel": "phone",
            "requester": {"name": "张三", "unit_id": "unit-a", "phone": "13800000000"},
            "commitment_code": "C-REPAIR",
            "title": "三楼卫生间漏水",
            "description": "302 室外走廊",
        },
        keep_as="ticket_id",
    )["id"]
    api.post(f"{API}/tickets/{ticket}/comments", {"body": "已派人"})
    api.post(
        f"{API}/tickets/{ticket}/coordinate",
        {"department": "财务处", "note": "费用审批"},
        keep_as="coordination_id",
    )
    api.post("/public/v1/ratings", {"department": DEPARTMENT, "score": 4}, keep_as="rating_id")
    api.post(
        f"{API}/accountability-records",
        {"kind": "penalty", "department": DEPARTMENT, "reason": "超时", "points": 2},
        keep_as="record_id",
    )


TICKET = FuzzedService("ticket", create_app, Settings, seed)
schema = TICKET.schema()


@pytest.fixture
def ticket(live_services, database_backend):
    return live_services.get(TICKET, database_backend)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=25)
@ON_SQLITE
def test_ticket_api_as_bureau_lead(case, ticket):
    ticket.call_and_validate(case, ticket.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=10)
@ON_POSTGRES
def test_ticket_api_as_bureau_lead_on_postgres(case, ticket):
    ticket.call_and_validate(case, ticket.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=5)
@ON_SQLITE
def test_ticket_api_as_unit_staff(case, ticket):
    ticket.call_and_validate(case, ticket.unit_staff)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=3)
@ON_POSTGRES
def test_ticket_api_as_unit_staff_on_postgres(case, ticket):
    ticket.call_and_validate(case, ticket.unit_staff)
