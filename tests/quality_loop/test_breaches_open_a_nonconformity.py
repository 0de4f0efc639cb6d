"""The loop whole, on the real broker: ticket-svc's escalation job breaches three tickets of
a commitment that names its procedure, and ledger-svc, reading the events ticket-svc
published, opens one nonconformity against that procedure, naming the three breaches.

2026-09-21 is a Monday; the commitment answers within 30 working minutes, so tickets opened
at 09:00 breach at 09:30 (the default calendar works from 08:30)."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from guanjia_shared.clock import frozen_at
from guanjia_shared.testing.apps import eventually
from ledger_svc.config import Settings as LedgerSettings
from ledger_svc.database import MIGRATIONS as LEDGER_MIGRATIONS
from ledger_svc.main import create_app as create_ledger_app
from ticket_svc.config import Settings as TicketSettings
from ticket_svc.database import MIGRATIONS as TICKET_MIGRATIONS
from ticket_svc.escalations.jobs import run_escalations
from ticket_svc.main import create_app as create_ticket_app
from ticket_svc.tickets.clocks import SlaPolicy

REPAIRS = "后勤服务中心"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NONCONFORMITIES = "/api/v1/ledger/quality/nonconformities"


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 9, 21, hour, minute, tzinfo=SHANGHAI)


async def test_three_breached_tickets_open_a_nonconformity_against_the_procedure(
    service_factory, token_mint
):
    admin = token_mint.headers("admin")
    agent = token_mint.headers("agent", sub=str(uuid.uuid4()), department=REPAIRS)
    leader = token_mint.headers("leader")
    async with (
        service_factory(create_ticket_app, TicketSettings, TICKET_MIGRATIONS) as ticket_svc,
        service_factory(create_ledger_app, LedgerSettings, LEDGER_MIGRATIONS) as ledger_svc,
    ):
        tickets = ticket_svc.client
        made = await tickets.post(
            "/api/v1/ticket/commitments",
            json={
                "code": "C-REPAIR",
                "name": "水电维修",
                "category": "repair",
                "department": REPAIRS,
                "response_minutes": 30,
                "resolve_hours": 4,
                "procedure_code": "GJ-WX-001",
            },
            headers=admin,
        )
        assert made.status_code == 201, made.text
        commitment = made.json()
        published = await tickets.post(
            f"/api/v1/ticket/commitments/{commitment['id']}/publish", headers=admin
        )
        assert published.status_code == 200, published.text
        opened = []
        with frozen_at(at(9)):
            for number in range(3):
                answer = await tickets.post(
                    "/api/v1/ticket/tickets",
                    json={
                        "channel": "phone",
                        "requester": {"name": "张三", "unit_id": "unit-a"},
                        "commitment_code": "C-REPAIR",
                        "title": f"三楼卫生间漏水 {number}",
                        "description": "302 室外走廊",
                    },
                    headers=agent,
                )
                assert answer.status_code == 201, answer.text
                opened.append(answer.json()["id"])
        with frozen_at(at(9, 31)):
            raised = await run_escalations(
                ticket_svc.session_factory,
                SlaPolicy.from_settings(ticket_svc.settings),
                batch_size=50,
            )
        assert raised == 6  # each ticket's response warning and breach

        async def one_opened():
            answer = await ledger_svc.client.get(NONCONFORMITIES, headers=leader)
            assert answer.status_code == 200, answer.text
            assert answer.json()["total"] == 1, answer.text
            return answer.json()["items"][0]

        nonconformity = await eventually(one_opened, timeout=30)
        assert (nonconformity["source"], nonconformity["trigger"]) == ("automatic", "breaches")
        assert nonconformity["procedure_code"] == "GJ-WX-001"
        assert (nonconformity["department"], nonconformity["commitment_id"]) == (
            REPAIRS,
            commitment["id"],
        )
        detail = await ledger_svc.client.get(
            f"{NONCONFORMITIES}/{nonconformity['id']}", headers=leader
        )
        signals = detail.json()["signals"]
        assert sorted(s["ticket_id"] for s in signals) == sorted(opened)
        assert {(s["kind"], s["opening"]) for s in signals} == {("breach", True)}
