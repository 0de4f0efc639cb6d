"""What the commitment tests share."""

COMMITMENTS = "/api/v1/ticket/commitments"
PUBLIC = "/public/v1/commitments"


def terms(**fields):
    return {
        "code": "C-REPAIR",
        "name": "水电维修",
        "category": "repair",
        "department": "后勤服务中心",
        "response_minutes": 30,
        "resolve_hours": 24,
        "calendar_id": None,
        **fields,
    }


async def create(client, headers, **fields):
    return await client.post(COMMITMENTS, json=terms(**fields), headers=headers)
