from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status

from gateway.clients import service
from gateway.clients.models import ClientCreate, ClientCreated, ClientRead
from gateway.deps import HasherDep, RevokedSubjectsDep
from guanjia_shared.auth import Role, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

router = APIRouter(
    prefix="/api/v1/auth/clients",
    tags=["clients"],
    dependencies=[Depends(require_roles(Role.admin))],
)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClientCreated)
async def create_client(
    data: ClientCreate, session: SessionDep, hasher: HasherDep, response: Response
):
    """Answers the client's secret this once; only its hash is kept."""
    created = await service.create_client(session=session, hasher=hasher, data=data)
    response.headers["Cache-Control"] = "no-store"
    return created


@router.get("", response_model=Page[ClientRead])
async def list_clients(session: SessionDep, page: PageQuery):
    items, total = await service.list_clients(session=session, page=page)
    return {"items": items, "total": total}


@router.delete("/{client_pk}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_client(
    client_pk: str, session: SessionDep, revoked: RevokedSubjectsDep
) -> Response:
    """Revokes the client: it gets no more tokens, the ones it holds are refused within
    seconds; the record of it stays."""
    await service.revoke_client(session=session, revoked=revoked, client_pk=client_pk)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
