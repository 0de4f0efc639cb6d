"""Who the quality office is, for the console: the bureau's people read its name (null when
the bureau names none); a served unit's staff and machine clients do not."""

from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app

from .quality_helpers import Person, problem

OFFICE = "/api/v1/ledger/quality/office"


async def test_the_bureau_reads_which_department_is_the_quality_office(service_factory, token_mint):
    async with service_factory(
        create_app, Settings, MIGRATIONS, quality_office="质量管理办公室"
    ) as service:
        for person in (
            Person(token_mint, "agent", department="财务处"),
            Person(token_mint, "agent", department="质量管理办公室"),
            Person(token_mint, "leader"),
            Person(token_mint, "auditor"),
        ):
            answer = await service.client.get(OFFICE, headers=person.headers)
            assert answer.status_code == 200, answer.text
            assert answer.json() == {"department": "质量管理办公室"}


async def test_a_bureau_without_a_quality_office_says_so(client, token_mint):
    answer = await client.get(
        OFFICE, headers=Person(token_mint, "dept_head", department="财务处").headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"department": None}


async def test_the_served_units_and_machine_clients_do_not_ask(client, token_mint):
    problem(
        await client.get(OFFICE, headers=Person(token_mint, "unit_staff", unit_id="u-1").headers),
        403,
    )
    problem(
        await client.get(OFFICE, headers=Person(token_mint, "integration", unit_id="u-1").headers),
        403,
    )
    problem(await client.get(OFFICE), 401)
