"""The message rules as the admin keeps them: the bureau's first ones are there from the
start; a rule is made, read, changed under If-Match and deleted; a template that would read
more than the event's fields, a link out of the console, a recipient of two kinds or an API
client, control characters and oversized text are refused and change nothing."""

import pytest

API = "/api/v1/notify/rules"
FIRST_RULES = 7

ASSIGNED = {
    "name": "应急任务指派：告知值班室",
    "event_type": "emergency.task.assigned",
    "conditions": [{"field": "incident_level", "one_of": ["I", "II"]}],
    "recipients": [{"role": "commander"}, {"field": "deputy"}],
    "channels": ["mobile"],
    "topic": "emergency.task",
    "urgent": True,
    "subject": "应急任务：{incident_title}",
    "text": "{incident_title} 已指派 {action}，时限 {due_at}",
    "link": "/emergency/incidents/{incident_id}",
}


def given(parts: list[dict]) -> list[dict]:
    """Conditions or recipients without the parts left unset (answered as null)."""
    return [{key: value for key, value in part.items() if value is not None} for part in parts]


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin")


async def count(client, admin) -> int:
    answer = await client.get(API, headers=admin)
    assert answer.status_code == 200, answer.text
    return answer.json()["total"]


async def test_the_bureaus_first_rules_are_there_from_the_start(client, admin):
    answer = await client.get(API, headers=admin, params={"limit": 50})
    rules = answer.json()["items"]
    assert len(rules) == FIRST_RULES
    by_type = {rule["event_type"]: rule for rule in rules}
    assigned = by_type["emergency.task.assigned"]
    assert assigned["urgent"] and given(assigned["recipients"]) == [{"field": "assignee"}]
    assert given(by_type["ticket.ticket.escalated"]["recipients"]) == [{"role": "leader"}]
    types = await client.get(f"{API}/event-types", headers=admin)
    assert {"type": "emergency.task.assigned", "label": "应急任务指派"} in types.json()


async def test_a_rule_is_made_read_changed_and_deleted(client, admin):
    made = await client.post(API, json=ASSIGNED, headers=admin)
    assert made.status_code == 201, made.text
    rule = made.json()
    assert made.headers["location"] == f"{API}/{rule['id']}" and made.headers["etag"] == '"1"'
    assert given(rule["recipients"]) == ASSIGNED["recipients"] and rule["enabled"] is True
    assert given(rule["conditions"]) == ASSIGNED["conditions"]
    assert (await client.get(f"{API}/{rule['id']}", headers=admin)).json() == rule

    changed = await client.patch(
        f"{API}/{rule['id']}",
        json={"enabled": False, "link": None, "channels": ["wecom", "mobile"]},
        headers={**admin, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["enabled"], changed.json()["link"]) == (False, None)
    assert changed.json()["channels"] == ["wecom", "mobile"] and changed.headers["etag"] == '"2"'
    stale = await client.patch(
        f"{API}/{rule['id']}", json={"enabled": True}, headers={**admin, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    disabled = await client.get(API, headers=admin, params={"enabled": "false"})
    assert [item["id"] for item in disabled.json()["items"]] == [rule["id"]]

    gone = await client.delete(f"{API}/{rule['id']}", headers={**admin, "If-Match": '"2"'})
    assert gone.status_code == 204
    assert (await client.get(f"{API}/{rule['id']}", headers=admin)).status_code == 404
    assert await count(client, admin) == FIRST_RULES


@pytest.mark.parametrize(
    "change",
    [
        {"subject": "{incident_title.__class__}"},
        {"text": "{incident_title[0]}"},
        {"text": "未闭合的 {title"},
        {"text": "多余的 } 括号"},
        {"text": '=HYPERLINK("x")\x00'},
        {"text": "长" * 1001},
        {"subject": "第一行\n第二行"},
        {"link": "https://phishing.example.com/{id}"},
        {"link": "//phishing.example.com/{id}"},
        {"recipients": [{"field": "assignee", "role": "leader"}]},
        {"recipients": [{"department_field": "department"}]},
        {"recipients": [{"role": "integration"}]},
        {"recipients": []},
        {"conditions": [{"field": "incident_level"}]},
        {"conditions": [{"field": "Level", "one_of": ["I"]}]},
        {"channels": ["mobile", "mobile"]},
        {"channels": ["inbox"]},
        {"event_type": "auth.user.created"},
        {"topic": "不是主题"},
        {"owner": "someone"},
        {"digest": True},  # an urgent rule goes at once
    ],
)
async def test_a_rule_that_could_not_work_as_meant_is_refused(client, admin, change):
    before = await count(client, admin)
    refused = await client.post(API, json={**ASSIGNED, **change}, headers=admin)
    assert refused.status_code == 422, refused.text[:300]
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert await count(client, admin) == before


async def test_an_urgent_rule_is_not_made_a_digest_by_a_change(client, admin):
    made = (await client.post(API, json=ASSIGNED, headers=admin)).json()
    refused = await client.patch(f"{API}/{made['id']}", json={"digest": True}, headers=admin)
    assert refused.status_code == 422 and "digest" in refused.text
    changed = await client.patch(
        f"{API}/{made['id']}", json={"digest": True, "urgent": False}, headers=admin
    )
    assert changed.status_code == 200 and changed.json()["digest"] is True
    assert changed.json()["version"] == 2


async def test_a_ten_megabyte_rule_is_refused_at_the_door(client, admin):
    before = await count(client, admin)
    refused = await client.post(API, json={**ASSIGNED, "text": "长" * 10_000_000}, headers=admin)
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert await count(client, admin) == before


async def test_only_the_admin_reads_or_writes_rules(client, token_mint):
    for role in ("leader", "dept_head", "agent", "commander", "integration"):
        headers = token_mint.headers(role)
        assert (await client.get(API, headers=headers)).status_code == 403
        assert (await client.post(API, json=ASSIGNED, headers=headers)).status_code == 403
