"""The plans contract: creating a plan as a document, reading it, who may write, and every
input that is refused with nothing written."""

import pytest

from emergency_svc.plans.seed_plans import seed_plan_documents

from .emergency_plan_helpers import PLANS, create, created, plan_body, plan_codes

SEEDED_CODES = sorted(code for code, _ in seed_plan_documents())


async def test_plans_need_a_token(client):
    response = await client.get(PLANS)
    assert response.status_code == 401
    assert response.json()["type"] == "urn:guanjia:problem:unauthorized"


async def test_a_leader_creates_a_plan_as_a_draft_at_version_1(client, leader):
    response = await create(client, leader)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert plan["status"] == "draft" and plan["version"] == 1
    assert plan["code"] == "P-FIRE-HQ" and plan["created_by"]
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"{PLANS}/{plan['id']}"
    # The whole document comes back as it was sent.
    sent = plan_body()
    assert {key: plan[key] for key in sent} == sent

    fetched = await client.get(f"{PLANS}/{plan['id']}", headers=leader)
    assert fetched.status_code == 200 and fetched.json() == plan
    assert fetched.headers["etag"] == '"1"'


async def test_an_admin_creates_a_plan_too(client, admin):
    assert (await create(client, admin)).status_code == 201


@pytest.mark.parametrize("role", ["commander", "agent", "unit_staff", "auditor"])
async def test_only_an_admin_or_a_leader_writes_plans(client, token_mint, role):
    refused = await create(client, token_mint.headers(role))
    assert refused.status_code == 403
    assert "P-FIRE-HQ" not in await plan_codes(client, token_mint.headers(role))


async def test_any_signed_in_user_reads_plans(client, leader, token_mint):
    plan = await created(client, leader)
    staff = token_mint.headers("unit_staff")
    assert (await client.get(f"{PLANS}/{plan['id']}", headers=staff)).status_code == 200


async def test_a_plan_naming_an_unknown_incident_type_is_refused(client, leader):
    refused = await create(client, leader, incident_types=["fire", "volcano", "meteor"])
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"detail": "no incident type 'volcano'", "pointer": "#/incident_types/1"},
        {"detail": "no incident type 'meteor'", "pointer": "#/incident_types/2"},
    ]
    assert await plan_codes(client, leader) == SEEDED_CODES


def _procedure(**fields):
    return {
        "level": "IV",
        "step": 2,
        "role": "site_lead",
        "action": "疏散",
        "within_minutes": 5,
    } | (fields)


def _with_procedure(**fields):
    return {"procedures": [*plan_body()["procedures"], _procedure(**fields)]}


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        # A procedure naming a role the organisation lacks: nobody would be tasked.
        (_with_procedure(role="medical"), "#/procedures/2/role"),
        (
            {"responsibilities": [{"role": "medical", "duties": "救护"}]},
            "#/responsibilities/0/role",
        ),
        (
            {
                "organization": [
                    *plan_body()["organization"],
                    {"role": "site_lead", "title": "又一个现场组", "holders": []},
                ]
            },
            "#/organization/2/role",
        ),
        (_with_procedure(level="V"), "#/procedures/2/level"),
        (_with_procedure(level=4), "#/procedures/2/level"),
        (_with_procedure(step=1), "#/procedures/2/step"),
        (_with_procedure(step="2"), "#/procedures/2/step"),
        (_with_procedure(within_minutes=0), "#/procedures/2/within_minutes"),
        (
            {
                "activation_criteria": [
                    {"level": "I", "criteria": "a"},
                    {"level": "I", "criteria": "b"},
                ]
            },
            "#/activation_criteria/1/level",
        ),
        ({"incident_types": []}, "#/incident_types"),
        ({"incident_types": ["fire", "fire"]}, "#/incident_types/1"),
        ({"kind": "regional"}, "#/kind"),
        ({"code": "has space"}, "#/code"),
        ({"title": ""}, "#/title"),
        ({"drill_interval_months": 0}, "#/drill_interval_months"),
        ({"safeguards": {"supplies": [{"item_code": "sandbag", "quantity": 0}]}}, None),
        ({"status": "active"}, "#/status"),
    ],
)
async def test_a_plan_that_breaks_its_own_rules_is_refused(client, leader, fields, pointer):
    refused = await create(client, leader, **fields)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    if pointer is not None:
        assert pointer in [error["pointer"] for error in refused.json()["errors"]]
    assert await plan_codes(client, leader) == SEEDED_CODES


async def test_a_body_that_is_not_json_is_a_400(client, leader):
    refused = await client.post(
        PLANS, content=b"{not json", headers={**leader, "content-type": "application/json"}
    )
    assert refused.status_code == 400


async def test_a_second_plan_with_the_same_code_is_refused(client, leader):
    await created(client, leader)
    duplicate = await create(client, leader, title="另一个")
    assert duplicate.status_code == 409
    assert duplicate.json()["rule"] == "unique-plan-code"
    assert (await plan_codes(client, leader)).count("P-FIRE-HQ") == 1


async def test_an_unknown_plan_is_a_404(client, leader):
    for path in ("nope", "nope/versions", "nope/versions/1"):
        missing = await client.get(f"{PLANS}/{path}", headers=leader)
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"


async def test_the_list_filters_by_kind_status_and_incident_type(client, leader):
    fire = await created(client, leader)
    await created(
        client, leader, code="P-FLOOD", title="防汛预案", incident_types=["rainstorm_flood"]
    )
    await client.post(f"{PLANS}/{fire['id']}/activate", headers=leader)

    assert await plan_codes(client, leader, status="active") == ["P-FIRE-HQ"]
    assert await plan_codes(client, leader, kind="master") == ["MASTER"]
    assert await plan_codes(client, leader, incident_type="rainstorm_flood") == [
        "P-FLOOD",
        "SP-RAINSTORM-FLOOD",
    ]
    assert await plan_codes(client, leader, incident_type="fire", status="draft") == ["SP-FIRE"]
    assert await plan_codes(client, leader, incident_type="no_such_type") == []

    listed = (await client.get(PLANS, params={"status": "active"}, headers=leader)).json()
    assert listed["total"] == 1
    summary = listed["items"][0]
    assert summary["incident_types"] == ["fire"] and summary["kind"] == "special"
    assert "procedures" not in summary  # a list carries headings, not documents


async def test_an_unknown_status_filter_is_a_422(client, leader):
    refused = await client.get(PLANS, params={"status": "paused"}, headers=leader)
    assert refused.status_code == 422
