from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from guanjia_shared.auth import require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.spreadsheets import XLSX_MEDIA_TYPE, xlsx_response
from ledger_svc.exports import service
from ledger_svc.plans.policy import READERS

router = APIRouter(
    prefix="/api/v1/ledger",
    tags=["exports"],
    dependencies=[Depends(require_roles(*READERS))],
)


@router.get(
    "/plans/{plan_id}/ledger.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "the plan's ledger"}},
)
async def plan_ledger_spreadsheet(plan_id: str, session: SessionDep):
    """The plan's whole ledger, every item in tree order, as the paper ledger lays it out."""
    filename, content = await service.plan_ledger_spreadsheet(session=session, plan_id=plan_id)
    return xlsx_response(content, filename)
