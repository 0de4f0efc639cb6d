"""notify-svc against its own OpenAPI document: no 5xx, and every answer (status,
content type, body) as documented, for schema-valid and schema-violating cases alike."""

import pytest
from hypothesis import settings

from notify_svc.config import Settings
from notify_svc.main import create_app
from tests.api_fuzz.fuzzing import FUZZ_SETTINGS, ON_POSTGRES, ON_SQLITE, FuzzedService, Seeder

API = "/api/v1/notify"


def seed(api: Seeder) -> None:
    """A webhook subscription (its deliveries need ticket events, which the fuzz publishes
    none of: a delivery's id is made up) and a message rule."""
    api.post(
        f"{API}/subscriptions",
        {
            "name": "12345 热线平台",
            "callback_url": "https://hotline.example.gov.cn/guanjia/callback",
            "event_types": ["ticket.ticket.created", "ticket.ticket.closed"],
            "filter": {"channel": "hotline"},
        },
        keep_as="subscription_id",
    )
    api.post(
        f"{API}/rules",
        {
            "name": "工单受理：告知部门负责人",
            "event_type": "ticket.ticket.created",
            "recipients": [{"role": "dept_head", "department_field": "department"}],
            "topic": "ticket.created",
            "subject": "新工单：{title}",
            "text": "{department}受理新工单「{title}」。",
        },
        keep_as="rule_id",
    )


# The inbox's event stream ends at once, so that a case of it is answered like any other.
NOTIFY = FuzzedService(
    "notify",
    create_app,
    Settings,
    seed,
    settings={"inbox_stream_minutes": 0.001, "inbox_poll_seconds": 0.01},
)
schema = NOTIFY.schema()


@pytest.fixture
def notify(live_services, database_backend):
    return live_services.get(NOTIFY, database_backend)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=25)
@ON_SQLITE
def test_notify_api_as_bureau_lead(case, notify):
    notify.call_and_validate(case, notify.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=10)
@ON_POSTGRES
def test_notify_api_as_bureau_lead_on_postgres(case, notify):
    notify.call_and_validate(case, notify.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=5)
@ON_SQLITE
def test_notify_api_as_unit_staff(case, notify):
    notify.call_and_validate(case, notify.unit_staff)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=3)
@ON_POSTGRES
def test_notify_api_as_unit_staff_on_postgres(case, notify):
    notify.call_and_validate(case, notify.unit_staff)
