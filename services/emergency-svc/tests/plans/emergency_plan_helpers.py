"""What the plan tests share."""

from guanjia_shared.auth import Principal

PLANS = "/api/v1/emergency/plans"
LEADER = Principal(id="leader-1", username="leader", roles=frozenset({"leader"}))


def plan_body(**fields):
    """A small special plan for fires, as a client would send it."""
    return {
        "code": "P-FIRE-HQ",
        "title": "一号楼火灾专项预案",
        "kind": "special",
        "incident_types": ["fire"],
        "scope": "市政府一号楼",
        "principles": ["统一领导，分级负责", "快速反应，协同应对"],
        "organization": [
            {"role": "commander", "title": "总指挥", "holders": ["u-director"], "deputy": "u-vice"},
            {"role": "site_lead", "title": "现场处置组", "holders": ["u-guard"], "deputy": None},
        ],
        "responsibilities": [
            {"role": "commander", "duties": "统一指挥"},
            {"role": "site_lead", "duties": "先期处置"},
        ],
        "activation_criteria": [
            {"level": "I", "criteria": "造成人员死亡"},
            {"level": "IV", "criteria": "初起火灾"},
        ],
        "procedures": [
            {
                "level": "IV",
                "step": 1,
                "role": "site_lead",
                "action": "扑救初起火灾",
                "within_minutes": 5,
            },
            {
                "level": "I",
                "step": 1,
                "role": "commander",
                "action": "启动预案",
                "within_minutes": 15,
            },
        ],
        "safeguards": {
            "supplies": [{"item_code": "fire_extinguisher", "quantity": 10}],
            "teams": ["义务消防队"],
            "notes": "",
        },
        "drill_interval_months": 6,
        **fields,
    }


def master_body(**fields):
    return plan_body(
        code="P-MASTER", title="应急联动总体预案", kind="master", incident_types=[], **fields
    )


async def create(client, headers, **fields):
    return await client.post(PLANS, json=plan_body(**fields), headers=headers)


async def created(client, headers, **fields):
    """A new plan's body (asserting it was created)."""
    response = await create(client, headers, **fields)
    assert response.status_code == 201, response.text
    return response.json()


async def activated(client, headers, plan_id):
    response = await client.post(f"{PLANS}/{plan_id}/activate", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def plan_codes(client, headers, **query):
    listed = await client.get(PLANS, params={"limit": 500, **query}, headers=headers)
    assert listed.status_code == 200, listed.text
    return [plan["code"] for plan in listed.json()["items"]]
