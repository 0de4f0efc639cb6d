"""The ticket reports over HTTP, as JSON or (`format=xlsx`) as a spreadsheet of every row.
What each figure counts and the period are in service.py, who sees which rows in policy.py."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.deps import SessionDep
from guanjia_shared.spreadsheets import XLSX_RESPONSE, xlsx_response
from ticket_svc.reports import policy, service
from ticket_svc.reports.models import CommitmentReport, DepartmentReport, ReportTotals

router = APIRouter(
    prefix="/api/v1/ticket/reports", tags=["reports"], dependencies=[Depends(current_user)]
)
# The leadership, admins and auditors read every department; a department head their own.
ReportReader = Annotated[Principal, Depends(require_roles(*policy.READERS))]
FirstDay = Annotated[IsoDate | None, Query(alias="from", description="opened on or after")]
LastDay = Annotated[IsoDate | None, Query(description="opened on or before")]
Format = Literal["json", "xlsx"]


@router.get("/departments", response_model=DepartmentReport, responses=XLSX_RESPONSE)
async def department_report(
    session: SessionDep,
    viewer: ReportReader,
    from_: FirstDay = None,
    to: LastDay = None,
    format: Format = "json",
):
    if format == "xlsx":
        filename, content = await service.department_spreadsheet(
            session=session, viewer=viewer, first=from_, last=to
        )
        return xlsx_response(content, filename)
    return await service.department_report(session=session, viewer=viewer, first=from_, last=to)


@router.get("/commitments", response_model=CommitmentReport, responses=XLSX_RESPONSE)
async def commitment_report(
    session: SessionDep,
    viewer: ReportReader,
    from_: FirstDay = None,
    to: LastDay = None,
    format: Format = "json",
):
    if format == "xlsx":
        filename, content = await service.commitment_spreadsheet(
            session=session, viewer=viewer, first=from_, last=to
        )
        return xlsx_response(content, filename)
    return await service.commitment_report(session=session, viewer=viewer, first=from_, last=to)


@router.get("/totals", response_model=ReportTotals)
async def report_totals(
    session: SessionDep, viewer: ReportReader, from_: FirstDay = None, to: LastDay = None
):
    """The department report's tickets, resolved and SLA compliance, all its rows together."""
    return await service.report_totals(session=session, viewer=viewer, first=from_, last=to)
