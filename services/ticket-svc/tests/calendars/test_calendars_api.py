"""The calendars' HTTP contract: admin writes, anyone signed in reads, bad hours are 422."""

import pytest

BASE = "/api/v1/ticket/calendars"
DEFAULT_HOURS = [{"start": "08:30", "end": "12:00"}, {"start": "14:30", "end": "18:00"}]


async def create(client, token_mint, **body):
    body = {"code": "municipal", "name": "市直机关工作日历", **body}
    response = await client.post(BASE, json=body, headers=token_mint.headers("admin"))
    assert response.status_code == 201, response.text
    return response.json()


def assert_problem_at(response, pointer):
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    pointers = [error.get("pointer") for error in response.json()["errors"]]
    assert any(p is not None and p.startswith(pointer) for p in pointers), pointers


async def assert_no_calendars(client, token_mint):
    response = await client.get(BASE, headers=token_mint.headers("agent"))
    assert response.json()["total"] == 0


async def test_a_calendar_created_without_hours_gets_the_municipal_default(client, token_mint):
    calendar = await create(client, token_mint)
    assert calendar["timezone"] == "Asia/Shanghai"
    assert calendar["weekly_hours"] == {
        day: DEFAULT_HOURS for day in ("mon", "tue", "wed", "thu", "fri")
    }
    response = await client.get(f"{BASE}/{calendar['id']}", headers=token_mint.headers("agent"))
    assert response.status_code == 200
    assert response.json() == calendar


async def test_calendars_are_listed_for_any_signed_in_caller(client, token_mint):
    await create(client, token_mint)
    response = await client.get(BASE, headers=token_mint.headers("agent"))
    assert response.status_code == 200
    assert [c["code"] for c in response.json()["items"]] == ["municipal"]


async def test_only_an_admin_creates_a_calendar(client, token_mint):
    response = await client.post(
        BASE, json={"code": "x", "name": "x"}, headers=token_mint.headers("agent")
    )
    assert response.status_code == 403
    await assert_no_calendars(client, token_mint)


async def test_calendars_need_a_token(client):
    assert (await client.get(BASE)).status_code == 401


async def test_a_calendar_code_is_unique(client, token_mint):
    await create(client, token_mint)
    response = await client.post(
        BASE, json={"code": "municipal", "name": "again"}, headers=token_mint.headers("admin")
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "unique-calendar-code"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "#/timezone"),
        ({"weekly_hours": {"mon": [{"start": "12:00", "end": "08:30"}]}}, "#/weekly_hours/mon/0"),
        (
            {
                "weekly_hours": {
                    "tue": [{"start": "08:30", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]
                }
            },
            "#/weekly_hours/tue",
        ),
        ({"weekly_hours": {"funday": DEFAULT_HOURS}}, "#/weekly_hours/funday"),
        ({"weekly_hours": {"mon": [{"start": "8h", "end": "12:00"}]}}, "#/weekly_hours/mon/0"),
        ({"weekly_hours": {}}, "#/weekly_hours"),
    ],
)
async def test_bad_hours_are_refused_with_the_field_and_nothing_is_written(
    client, token_mint, body, pointer
):
    response = await client.post(
        BASE, json={"code": "bad", "name": "bad", **body}, headers=token_mint.headers("admin")
    )
    assert_problem_at(response, pointer)
    await assert_no_calendars(client, token_mint)


async def test_an_admin_changes_the_weekly_hours_and_timezone(client, token_mint):
    calendar = await create(client, token_mint)
    saturday = [{"start": "09:00", "end": "12:00"}]
    response = await client.patch(
        f"{BASE}/{calendar['id']}",
        json={"weekly_hours": {"sat": saturday}, "timezone": "Asia/Urumqi"},
        headers=token_mint.headers("admin"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["weekly_hours"] == {"sat": saturday}
    assert response.json()["timezone"] == "Asia/Urumqi"
    assert response.json()["name"] == calendar["name"]


async def test_a_bad_change_is_refused_and_nothing_changes(client, token_mint):
    calendar = await create(client, token_mint)
    response = await client.patch(
        f"{BASE}/{calendar['id']}",
        json={"name": "renamed", "weekly_hours": {"mon": [{"start": "18:00", "end": "08:30"}]}},
        headers=token_mint.headers("admin"),
    )
    assert_problem_at(response, "#/weekly_hours/mon/0")
    response = await client.get(f"{BASE}/{calendar['id']}", headers=token_mint.headers("agent"))
    assert response.json() == calendar


async def test_emptying_the_timezone_is_refused(client, token_mint):
    calendar = await create(client, token_mint)
    response = await client.patch(
        f"{BASE}/{calendar['id']}", json={"timezone": None}, headers=token_mint.headers("admin")
    )
    assert_problem_at(response, "#/timezone")


async def test_only_an_admin_changes_a_calendar(client, token_mint):
    calendar = await create(client, token_mint)
    response = await client.patch(
        f"{BASE}/{calendar['id']}", json={"name": "x"}, headers=token_mint.headers("agent")
    )
    assert response.status_code == 403


async def test_an_unknown_calendar_is_not_found(client, token_mint):
    response = await client.get(f"{BASE}/nope", headers=token_mint.headers("agent"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


HOLIDAYS = [
    {"date": "2026-09-27", "periods": DEFAULT_HOURS, "note": "调休上班"},
    {"date": "2026-09-28", "periods": [], "note": "假日"},
    {"date": "2026-09-29", "note": "假日"},
]


async def import_holidays(client, token_mint, calendar_id, items=HOLIDAYS):
    response = await client.put(
        f"{BASE}/{calendar_id}/exceptions", json=items, headers=token_mint.headers("admin")
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_exceptions_are_imported_as_a_list_and_read_back_by_date(client, token_mint):
    calendar = await create(client, token_mint)
    imported = await import_holidays(client, token_mint, calendar["id"])
    assert [e["date"] for e in imported] == ["2026-09-27", "2026-09-28", "2026-09-29"]
    assert imported[0]["periods"] == DEFAULT_HOURS
    assert imported[2]["periods"] == []
    response = await client.get(
        f"{BASE}/{calendar['id']}/exceptions",
        params={"from": "2026-09-28", "to": "2026-09-30"},
        headers=token_mint.headers("agent"),
    )
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"date": "2026-09-28", "periods": [], "note": "假日"},
            {"date": "2026-09-29", "periods": [], "note": "假日"},
        ],
        "total": 2,
    }


async def test_importing_replaces_only_the_dates_given(client, token_mint):
    calendar = await create(client, token_mint)
    await import_holidays(client, token_mint, calendar["id"])
    await import_holidays(
        client,
        token_mint,
        calendar["id"],
        [{"date": "2026-09-29", "periods": [{"start": "09:00", "end": "11:00"}], "note": "半天"}],
    )
    response = await client.get(
        f"{BASE}/{calendar['id']}/exceptions", headers=token_mint.headers("agent")
    )
    exceptions = {e["date"]: e for e in response.json()["items"]}
    assert sorted(exceptions) == ["2026-09-27", "2026-09-28", "2026-09-29"]
    assert exceptions["2026-09-29"] == {
        "date": "2026-09-29",
        "periods": [{"start": "09:00", "end": "11:00"}],
        "note": "半天",
    }


@pytest.mark.parametrize(
    ("items", "pointer"),
    [
        (
            [HOLIDAYS[0], {"date": "2026-10-01", "periods": [{"start": "12:00", "end": "09:00"}]}],
            "#/1/periods/0",
        ),
        ([{"date": "2026-10-01", "periods": DEFAULT_HOURS + DEFAULT_HOURS}], "#/0/periods"),
        ([{"date": "not-a-date"}], "#/0/date"),
        # A number would otherwise be read as a Unix timestamp: 0 as 1970-01-01.
        ([{"date": 0}], "#/0/date"),
        ([HOLIDAYS[0], {"date": 1790467200, "note": "假日"}], "#/1/date"),
        ([HOLIDAYS[1], {"date": "2026-09-28", "periods": DEFAULT_HOURS}], "#/1/date"),
    ],
)
async def test_a_bad_import_is_refused_and_nothing_is_written(client, token_mint, items, pointer):
    calendar = await create(client, token_mint)
    response = await client.put(
        f"{BASE}/{calendar['id']}/exceptions", json=items, headers=token_mint.headers("admin")
    )
    assert_problem_at(response, pointer)
    response = await client.get(
        f"{BASE}/{calendar['id']}/exceptions", headers=token_mint.headers("agent")
    )
    assert response.json() == {"items": [], "total": 0}


async def test_only_an_admin_imports_exceptions(client, token_mint):
    calendar = await create(client, token_mint)
    response = await client.put(
        f"{BASE}/{calendar['id']}/exceptions", json=HOLIDAYS, headers=token_mint.headers("agent")
    )
    assert response.status_code == 403


async def test_the_due_time_counts_the_made_up_sunday_and_skips_the_holidays(client, token_mint):
    calendar = await create(client, token_mint)
    await import_holidays(client, token_mint, calendar["id"])
    response = await client.get(
        f"{BASE}/{calendar['id']}/due",
        params={"start": "2026-09-25T17:50:00+08:00", "minutes": 60},
        headers=token_mint.headers("agent"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    # 10 minutes on Friday, 50 on the made-up Sunday from 08:30.
    assert body["due_at"] == "2026-09-27T09:20:00+08:00"
    assert body["minutes"] == 60
    assert body["calendar_id"] == calendar["id"]


async def test_the_due_time_keeps_the_offset_it_was_asked_in(client, token_mint):
    calendar = await create(client, token_mint)
    response = await client.get(
        f"{BASE}/{calendar['id']}/due",
        params={"start": "2026-09-24T03:50:00Z", "minutes": 30},
        headers=token_mint.headers("agent"),
    )
    assert response.status_code == 200, response.text
    # 11:50 in Shanghai + 30 working minutes is 14:50, i.e. 06:50Z.
    assert response.json()["due_at"] == "2026-09-24T06:50:00Z"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"start": "2026-09-25T17:50:00", "minutes": 60}, "start"),
        ({"start": "2026-09-25T17:50:00+08:00", "minutes": -1}, "minutes"),
        ({"start": "yesterday", "minutes": 1}, "start"),
        ({"start": "0", "minutes": 1}, "start"),
        ({"start": "1790467200", "minutes": 1}, "start"),
    ],
)
async def test_a_bad_due_question_is_refused(client, token_mint, params, parameter):
    calendar = await create(client, token_mint)
    response = await client.get(
        f"{BASE}/{calendar['id']}/due", params=params, headers=token_mint.headers("agent")
    )
    assert response.status_code == 422
    assert [e.get("parameter") for e in response.json()["errors"]] == [parameter]
