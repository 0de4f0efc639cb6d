"""Stock by location, its movements and minimum levels, over HTTP."""

from emergency_svc.plans.seed_plans import seed_plan_documents

API = "/api/v1/emergency/supplies"


async def test_the_catalogue_holds_every_item_code_the_seeded_plans_use(client, commander):
    answer = await client.get(f"{API}/items", headers=commander, params={"limit": 500})
    assert answer.status_code == 200, answer.text
    names = {item["code"]: item["name"] for item in answer.json()["items"]}
    used = {
        supply.item_code
        for _, document in seed_plan_documents()
        for supply in document.safeguards.supplies
    }
    assert used <= set(names), used - set(names)
    assert names["fire_extinguisher"] == "灭火器" and names["sandbag"] == "沙袋"


async def test_an_admin_adds_an_item_to_the_catalogue_once(client, token_mint):
    admin = token_mint.headers("admin")
    item = {"code": "life_jacket", "name": "救生衣", "unit": "件"}
    assert (await client.post(f"{API}/items", json=item, headers=admin)).status_code == 201
    again = await client.post(f"{API}/items", json=item, headers=admin)
    assert again.status_code == 409
    assert again.json()["rule"] == "unique-item-code"


async def test_a_stock_row_moves_only_by_receipts_issues_and_counts_kept_as_history(
    client, commander, add_stock
):
    stock = await add_stock("一号楼地下仓库", "sandbag", 100, minimum=80)
    assert stock["item_name"] == "沙袋" and stock["unit"] == "袋"
    assert (stock["quantity"], stock["reserved"], stock["available"]) == (100, 0, 100)

    moves = [
        {"kind": "receipt", "quantity": 50, "reason": "汛前补充采购"},
        {"kind": "issue", "quantity": 30, "reason": "二号楼车库挡水"},
        {"kind": "count", "quantity": 118, "reason": "季度盘点"},
    ]
    for move in moves:
        answer = await client.post(f"{API}/{stock['id']}/movements", json=move, headers=commander)
        assert answer.status_code == 201, answer.text

    history = (await client.get(f"{API}/{stock['id']}/movements", headers=commander)).json()
    assert history["total"] == 4
    assert [
        (m["kind"], m["change"], m["quantity_after"], m["reason"]) for m in history["items"]
    ] == [
        ("opening", 100, 100, "期初库存"),
        ("receipt", 50, 150, "汛前补充采购"),
        ("issue", -30, 120, "二号楼车库挡水"),
        ("count", -2, 118, "季度盘点"),
    ]
    assert [m["stock_version"] for m in history["items"]] == [1, 2, 3, 4]
    now = (await client.get(f"{API}/{stock['id']}", headers=commander)).json()
    assert (now["quantity"], now["version"]) == (118, 4)


async def test_an_issue_of_more_than_is_in_stock_is_refused_and_changes_nothing(
    client, commander, add_stock
):
    stock = await add_stock("一号楼值班室", "flashlight", 5)
    answer = await client.post(
        f"{API}/{stock['id']}/movements",
        json={"kind": "issue", "quantity": 6, "reason": "夜间巡查"},
        headers=commander,
    )
    assert answer.status_code == 409
    assert answer.json()["rule"] == "no-issue-of-reserved-stock"
    assert (await client.get(f"{API}/{stock['id']}", headers=commander)).json()["quantity"] == 5
    history = (await client.get(f"{API}/{stock['id']}/movements", headers=commander)).json()
    assert history["total"] == 1


async def test_a_movement_needs_a_reason_and_a_receipt_at_least_one_unit(
    client, commander, add_stock
):
    stock = await add_stock("一号楼值班室", "mask", 10)
    url = f"{API}/{stock['id']}/movements"
    no_reason = await client.post(url, json={"kind": "receipt", "quantity": 5}, headers=commander)
    assert no_reason.status_code == 422
    nothing = await client.post(
        url, json={"kind": "receipt", "quantity": 0, "reason": "空"}, headers=commander
    )
    assert nothing.status_code == 422
    assert nothing.json()["errors"][0]["pointer"] == "#/quantity"
    opening = await client.post(
        url, json={"kind": "opening", "quantity": 3, "reason": "再期初"}, headers=commander
    )
    assert opening.status_code == 422


async def test_the_below_minimum_filter_lists_the_rows_under_their_minimum(
    client, commander, add_stock
):
    short = await add_stock("一号楼地下仓库", "sandbag", 40, minimum=100)
    await add_stock("二号楼仓库", "sandbag", 200, minimum=100)
    await add_stock("一号楼地下仓库", "generator", 2, minimum=2)
    raised = await add_stock("二号楼仓库", "raincoat", 30, minimum=20)

    async def below() -> list[str]:
        answer = await client.get(API, params={"below_minimum": "true"}, headers=commander)
        assert answer.status_code == 200, answer.text
        return [row["id"] for row in answer.json()["items"]]

    assert await below() == [short["id"]]
    answer = await client.put(f"{API}/{raised['id']}", json={"minimum": 50}, headers=commander)
    assert answer.status_code == 200, answer.text
    assert answer.json()["below_minimum"] is True
    assert set(await below()) == {short["id"], raised["id"]}

    at_one_place = await client.get(
        API, params={"location": "一号楼地下仓库", "item_code": "sandbag"}, headers=commander
    )
    assert [row["id"] for row in at_one_place.json()["items"]] == [short["id"]]
    assert (await client.get(API, headers=commander)).json()["total"] == 4


async def test_one_location_keeps_one_row_of_an_item_and_only_known_items(
    client, commander, add_stock
):
    await add_stock("一号楼地下仓库", "sandbag", 10)
    again = await client.post(
        API, json={"location": "一号楼地下仓库", "item_code": "sandbag"}, headers=commander
    )
    assert again.status_code == 409
    assert again.json()["rule"] == "one-stock-row-per-location-and-item"
    unknown = await client.post(
        API, json={"location": "一号楼地下仓库", "item_code": "unicorn"}, headers=commander
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "#/item_code"


async def test_admins_and_commanders_keep_supplies_and_bureau_roles_read_them(
    client, token_mint, add_stock
):
    stock = await add_stock("一号楼值班室", "first_aid_kit", 4)
    for role in ("agent", "leader", "auditor"):
        headers = token_mint.headers(role)
        assert (await client.get(API, headers=headers)).status_code == 200
        refused = await client.post(
            f"{API}/{stock['id']}/movements",
            json={"kind": "receipt", "quantity": 1, "reason": "补充"},
            headers=headers,
        )
        assert refused.status_code == 403
    outsider = token_mint.headers("unit_staff", unit_id="u-1")
    assert (await client.get(API, headers=outsider)).status_code == 403
    admin = token_mint.headers("admin")
    assert (
        await client.put(f"{API}/{stock['id']}", json={"minimum": 6}, headers=admin)
    ).status_code == 200
    assert (await client.get(API)).status_code == 401
