"""The department scorecards over HTTP, as JSON or (`format=xlsx`) a spreadsheet of every
row. What each figure counts: service.py; who reads which department: policy.py."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import PageQuery
from guanjia_shared.spreadsheets import XLSX_RESPONSE, xlsx_response
from ledger_svc.scorecards import policy, service
from ledger_svc.scorecards.models import ScorecardDetail, ScorecardList, ScorecardMeasure

router = APIRouter(
    prefix="/api/v1/ledger/scorecards", tags=["scorecards"], dependencies=[Depends(current_user)]
)
# The leadership, admins and auditors read every department; a department head their own.
ScorecardReader = Annotated[Principal, Depends(require_roles(*policy.READERS))]
Year = Annotated[int, Query(ge=1900, le=9999, description="the bureau's year (Asia/Shanghai)")]


@router.get("", response_model=ScorecardList, responses=XLSX_RESPONSE)
async def list_scorecards(
    session: SessionDep,
    viewer: ScorecardReader,
    page: PageQuery,
    year: Year,
    format: Literal["json", "xlsx"] = "json",
):
    """Every department's scorecard of the year; `format=xlsx` answers them all."""
    if format == "xlsx":
        filename, content = await service.scorecards_spreadsheet(
            session=session, viewer=viewer, year=year
        )
        return xlsx_response(content, filename)
    return await service.list_scorecards(session=session, viewer=viewer, year=year, page=page)


@router.get("/{department}", response_model=ScorecardDetail)
async def department_scorecard(
    department: str,
    session: SessionDep,
    viewer: ScorecardReader,
    page: PageQuery,
    year: Year,
    measure: ScorecardMeasure | None = None,
):
    """The department's scorecard and the facts behind it: each event, what it counted."""
    return await service.department_scorecard(
        session=session,
        viewer=viewer,
        department=department,
        year=year,
        measure=measure,
        page=page,
    )
