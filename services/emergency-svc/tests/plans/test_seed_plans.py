"""The seeded plans: a master plan and a special plan for every seeded incident type, as
drafts whose documents are valid, present in every database the migrations make."""

import pytest

from emergency_svc.incident_types.seed import SEEDED_INCIDENT_TYPES
from emergency_svc.plans.document import LEVELS_BY_GRAVITY, PlanDocument, PlanKind
from emergency_svc.plans.seed_plans import (
    MASTER_CODE,
    SPECIAL_PLANS,
    seed_plan_documents,
    seed_plan_id,
)

from .emergency_plan_helpers import PLANS

SEEDED_TYPES = [code for code, _ in SEEDED_INCIDENT_TYPES]


@pytest.mark.parametrize(("code", "document"), seed_plan_documents())
def test_every_seeded_plan_is_a_valid_document(code, document):
    again = PlanDocument.model_validate(document.model_dump(mode="json"))
    assert again == document
    # Every level has its procedures and its activation criteria.
    assert all(document.procedures_for(level) for level in LEVELS_BY_GRAVITY)
    assert {criterion.level for criterion in document.activation_criteria} == set(LEVELS_BY_GRAVITY)
    # Holders are the bureau's to fill in.
    assert document.organization
    assert all(role.holders == [] for role in document.organization)
    assert document.safeguards.supplies and document.safeguards.teams
    assert any("统一领导" in principle for principle in document.principles)


def test_there_is_a_master_plan_and_one_special_plan_per_seeded_type():
    documents = dict(seed_plan_documents())
    assert documents[MASTER_CODE].kind == PlanKind.master
    covered = [seed.incident_type for seed in SPECIAL_PLANS]
    assert sorted(covered) == sorted(SEEDED_TYPES) and len(SEEDED_TYPES) >= 12
    assert all(documents[seed.code].kind == PlanKind.special for seed in SPECIAL_PLANS)


def test_fire_is_drilled_every_six_months_and_the_rest_every_twelve():
    intervals = {code: doc.drill_interval_months for code, doc in seed_plan_documents()}
    assert intervals.pop("SP-FIRE") == 6
    assert set(intervals.values()) == {12}


async def test_the_seeded_plans_are_drafts_in_a_new_database(client, token_mint):
    staff = token_mint.headers("unit_staff")
    listed = (await client.get(PLANS, params={"limit": 500}, headers=staff)).json()
    assert listed["total"] == 13
    assert {plan["status"] for plan in listed["items"]} == {"draft"}
    assert {plan["version"] for plan in listed["items"]} == {1}
    assert {plan["code"] for plan in listed["items"]} == {c for c, _ in seed_plan_documents()}

    for code, document in seed_plan_documents():
        fetched = await client.get(f"{PLANS}/{seed_plan_id(code)}", headers=staff)
        assert fetched.status_code == 200
        plan = fetched.json()
        assert plan["code"] == code and plan["created_by"] is None
        assert (
            PlanDocument.model_validate({key: plan[key] for key in PlanDocument.model_fields})
            == document
        )

    for incident_type in SEEDED_TYPES:
        covering = await client.get(PLANS, params={"incident_type": incident_type}, headers=staff)
        assert [plan["kind"] for plan in covering.json()["items"]] == ["special"]
