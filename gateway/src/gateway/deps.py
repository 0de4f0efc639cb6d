"""FastAPI dependencies of the gateway's own routes, beside the shared SessionDep."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gateway.hashing import SecretHasher


def _hasher(request: Request) -> SecretHasher:
    return request.app.state.hasher


HasherDep = Annotated[SecretHasher, Depends(_hasher)]
