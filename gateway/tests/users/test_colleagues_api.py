"""Colleagues at /api/v1/auth/colleagues: the active staff of a department, by name, for the
desk to name whom a ticket goes to; a department's staff see their own department only."""

COLLEAGUES = "/api/v1/auth/colleagues"


async def test_a_head_lists_the_active_staff_of_their_own_department(gateway, admin):
    head = await gateway.create_user(
        admin, "dept_head", display_name="赵处长", department="物业管理处"
    )
    agent = await gateway.create_user(
        admin, "agent", display_name="钱师傅", department="物业管理处"
    )
    gone = await gateway.create_user(admin, "agent", display_name="孙师傅", department="物业管理处")
    await gateway.client.patch(
        f"/api/v1/auth/users/{gone['id']}", json={"active": False}, headers=admin
    )
    await gateway.create_user(admin, "agent", display_name="李师傅", department="车辆服务处")
    as_head = await gateway.headers(head["username"], head["password"])

    answer = await gateway.client.get(COLLEAGUES, headers=as_head)

    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["total"] == 2
    assert {(c["id"], c["display_name"]) for c in page["items"]} == {
        (head["id"], "赵处长"),
        (agent["id"], "钱师傅"),
    }
    # Whom, not how to sign in as them.
    assert set(page["items"][0]) == {"id", "display_name", "department", "roles"}


async def test_a_departments_staff_cannot_list_another_department(gateway, admin):
    agent = await gateway.create_user(admin, "agent", department="物业管理处")
    as_agent = await gateway.headers(agent["username"], agent["password"])
    answer = await gateway.client.get(
        COLLEAGUES, params={"department": "车辆服务处"}, headers=as_agent
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"


async def test_leaders_list_any_department_and_must_name_one(gateway, admin):
    leader = await gateway.create_user(admin, "leader")
    await gateway.create_user(admin, "agent", display_name="李师傅", department="车辆服务处")
    as_leader = await gateway.headers(leader["username"], leader["password"])
    named = await gateway.client.get(
        COLLEAGUES, params={"department": "车辆服务处"}, headers=as_leader
    )
    assert [c["display_name"] for c in named.json()["items"]] == ["李师傅"]
    unnamed = await gateway.client.get(COLLEAGUES, headers=as_leader)
    assert unnamed.status_code == 422
    assert unnamed.json()["errors"][0]["pointer"] == "#/query/department"


async def test_the_units_staff_cannot_list_the_bureaus_people(gateway, admin):
    staff = await gateway.create_user(admin, "unit_staff", unit_id="u-1", department="物业管理处")
    as_staff = await gateway.headers(staff["username"], staff["password"])
    answer = await gateway.client.get(COLLEAGUES, headers=as_staff)
    assert answer.status_code == 403
