"""The shapes of the token endpoint and of `/me`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from guanjia_shared.auth import Role


class TokenAnswer(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class CallerRead(BaseModel):
    """Who the token belongs to, as the gateway knows them now."""

    id: str
    username: str
    display_name: str
    roles: list[Role]
    unit_id: str | None
    department: str | None
    kind: Literal["user", "client"]
