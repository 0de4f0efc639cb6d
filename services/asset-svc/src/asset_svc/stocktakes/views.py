from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, status

from asset_svc.stocktakes import policy, service
from asset_svc.stocktakes.models import (
    FindingCreate,
    FindingRead,
    StocktakeCreate,
    StocktakeRead,
    StocktakeReport,
    StocktakeStatus,
)
from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from guanjia_shared.problem_docs import problem_response_doc
from guanjia_shared.spreadsheets import XLSX_RESPONSE, xlsx_response

router = APIRouter(
    prefix="/api/v1/asset/stocktakes", tags=["stocktakes"], dependencies=[Depends(current_user)]
)
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]
Reader = Annotated[Principal, Depends(require_roles(*policy.READERS))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=StocktakeRead)
async def open_stocktake(data: StocktakeCreate, session: SessionDep, actor: Writer):
    return await service.open_stocktake(session=session, data=data, actor=actor)


@router.get("", response_model=Page[StocktakeRead])
async def list_stocktakes(
    session: SessionDep, viewer: Reader, page: PageQuery, status: StocktakeStatus | None = None
):
    items, total = await service.list_stocktakes(
        session=session, viewer=viewer, page=page, status=status
    )
    return {"items": items, "total": total}


@router.get("/{stocktake_id}", response_model=StocktakeRead)
async def get_stocktake(stocktake_id: str, session: SessionDep, viewer: Reader):
    return await service.get_stocktake(session=session, stocktake_id=stocktake_id, viewer=viewer)


@router.post("/{stocktake_id}/findings", response_model=StocktakeRead)
async def record_findings(
    stocktake_id: str,
    findings: Annotated[list[FindingCreate], Body(min_length=1, max_length=5000)],
    session: SessionDep,
    actor: Writer,
):
    return await service.record_findings(
        session=session, stocktake_id=stocktake_id, findings=findings, actor=actor
    )


@router.get("/{stocktake_id}/findings", response_model=list[FindingRead])
async def list_findings(stocktake_id: str, session: SessionDep, viewer: Writer):
    return await service.list_findings(session=session, stocktake_id=stocktake_id, viewer=viewer)


@router.post("/{stocktake_id}/close", response_model=StocktakeReport)
async def close_stocktake(stocktake_id: str, session: SessionDep, actor: Writer):
    return await service.close_stocktake(session=session, stocktake_id=stocktake_id, actor=actor)


@router.get(
    "/{stocktake_id}/report",
    response_model=StocktakeReport,
    responses={
        **XLSX_RESPONSE,
        409: problem_response_doc(409, "The stocktake is still open: reported once closed"),
    },
)
async def stocktake_report(
    stocktake_id: str,
    session: SessionDep,
    viewer: Reader,
    format: Literal["json", "xlsx"] = "json",
):
    report = await service.stocktake_report(
        session=session, stocktake_id=stocktake_id, viewer=viewer
    )
    if format == "json":
        return report
    content = await service.report_as_xlsx(session=session, report=report)
    return xlsx_response(content, f"stocktake-{stocktake_id}.xlsx")
