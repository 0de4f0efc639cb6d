"""Space standards: the 2014 national figures as seeded, and dated versions an admin adds."""

import pytest

API = "/api/v1/asset/space-standards"

# 《党政机关办公用房建设标准》(2014) 第十三条, and the township figures the seed derives.
NATIONAL_2014 = {
    "central": [54, 42, 24, 18, 12, 9],
    "provincial": [54, 42, 30, 24, 18, 12, 9],
    "municipal": [42, 30, 24, 18, 9],
    "county": [30, 24, 18, 12, 9],
    "township": [18, 12, 9],
}


async def figures(client, headers, **params):
    answer = await client.get(API, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_the_2014_standard_is_seeded_for_every_level(client, admin):
    for level, areas in NATIONAL_2014.items():
        body = await figures(client, admin, level=level)
        assert body["total"] == len(areas)
        assert [item["area_per_person"] for item in body["items"]] == areas, level
        assert {item["effective_from"] for item in body["items"]} == {"2014-12-01"}
        assert body["items"][0]["rank"] == "head" and body["items"][-1]["rank"] == "staff"


async def test_municipal_ranks_carry_chinese_and_english_labels(client, admin):
    items = (await figures(client, admin, level="municipal"))["items"]
    assert [(item["rank"], item["label"]) for item in items] == [
        ("head", "市级正职"),
        ("deputy", "市级副职"),
        ("bureau_director", "正局（处）级"),
        ("deputy_bureau_director", "副局（处）级"),
        ("staff", "局（处）级以下"),
    ]
    assert all(item["label_en"] for item in items)
    assert all(item["level"] == "municipal" for item in items)


async def test_without_a_level_every_level_is_listed_in_pages(client, admin):
    assert (await figures(client, admin))["total"] == 6 + 7 + 5 + 5 + 3
    page = await figures(client, admin, limit=2, offset=6)
    assert [(item["level"], item["rank"]) for item in page["items"]] == [
        ("provincial", "head"),
        ("provincial", "deputy"),
    ]


async def test_before_the_2014_standard_no_figure_is_in_force(client, admin):
    assert (await figures(client, admin, level="county", as_of="2014-11-30"))["total"] == 0


@pytest.mark.on_day("2026-06-01T10:00:00+08:00")  # today's figure is the 2014 one
async def test_a_new_version_is_in_force_only_from_its_effective_date(client, admin):
    version = {
        "level": "municipal",
        "rank": "bureau_director",
        "label": "正局级",
        "area_per_person": 20,
        "effective_from": "2030-01-01",
    }
    created = await client.post(API, json=version, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["label_en"] == "bureau director"

    def bureau_director(body):
        return next(item for item in body["items"] if item["rank"] == "bureau_director")

    today = bureau_director(await figures(client, admin, level="municipal"))
    assert (today["area_per_person"], today["effective_from"]) == (24, "2014-12-01")
    eve = bureau_director(await figures(client, admin, level="municipal", as_of="2029-12-31"))
    assert eve["area_per_person"] == 24
    later = bureau_director(await figures(client, admin, level="municipal", as_of="2030-01-01"))
    assert later == {**version, "area_per_person": 20.0, "label_en": "bureau director"}


async def test_a_second_version_on_the_same_date_is_a_conflict(client, admin):
    version = {
        "level": "county",
        "rank": "staff",
        "area_per_person": 8,
        "effective_from": "2014-12-01",
    }
    answer = await client.post(API, json=version, headers=admin)
    assert answer.status_code == 409
    assert answer.json()["rule"] == "one-standard-version-per-date"


async def test_a_rank_not_of_the_level_is_refused_naming_it(client, admin):
    version = {
        "level": "county",
        "rank": "bureau_director",
        "area_per_person": 20,
        "effective_from": "2030-01-01",
    }
    answer = await client.post(API, json=version, headers=admin)
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["errors"][0]["pointer"] == "#/rank"
    assert "bureau_director" in problem["detail"] and "section_chief" in problem["detail"]


async def test_an_unknown_level_is_refused(client, admin):
    version = {
        "level": "galactic",
        "rank": "head",
        "area_per_person": 20,
        "effective_from": "2030-01-01",
    }
    answer = await client.post(API, json=version, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["pointer"] == "#/level"
    listing = await client.get(API, params={"level": "galactic"}, headers=admin)
    assert listing.status_code == 422
    assert listing.json()["errors"][0]["parameter"] == "level"


async def test_an_effective_from_that_is_not_iso_text_is_refused(client, admin):
    before = (await figures(client, admin))["total"]
    for day in (0, 1893456000, "1893456000"):
        version = {
            "level": "county",
            "rank": "staff",
            "area_per_person": 8,
            "effective_from": day,
        }
        answer = await client.post(API, json=version, headers=admin)
        assert answer.status_code == 422, (day, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["pointer"] == "#/effective_from"
    assert (await figures(client, admin))["total"] == before


async def test_only_an_admin_adds_a_version(client, token_mint):
    version = {
        "level": "county",
        "rank": "staff",
        "area_per_person": 8,
        "effective_from": "2030-01-01",
    }
    for role in ("leader", "auditor", "unit_staff"):
        answer = await client.post(API, json=version, headers=token_mint.headers(role, unit_id="u"))
        assert answer.status_code == 403, role
    readable = await client.get(API, headers=token_mint.headers("unit_staff", unit_id="u"))
    assert readable.status_code == 200
