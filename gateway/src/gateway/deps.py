"""FastAPI dependencies of the gateway's own routes, beside the shared SessionDep."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gateway.hashing import SecretHasher
from gateway.revocations.service import RevokedSubjects


def _hasher(request: Request) -> SecretHasher:
    return request.app.state.hasher


def _revoked_subjects(request: Request) -> RevokedSubjects:
    return request.app.state.revoked_subjects


HasherDep = Annotated[SecretHasher, Depends(_hasher)]
RevokedSubjectsDep = Annotated[RevokedSubjects, Depends(_revoked_subjects)]
