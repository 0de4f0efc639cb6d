from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends

from asset_svc.compliance import policy, service
from asset_svc.compliance.models import (
    ComplianceReport,
    ComplianceSort,
    ComplianceStatus,
    UnitCompliance,
)
from asset_svc.units.models import UnitLevel
from guanjia_shared.auth import CurrentUser, Principal, current_user, require_roles
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import PageQuery
from guanjia_shared.spreadsheets import XLSX_RESPONSE, xlsx_response

router = APIRouter(
    prefix="/api/v1/asset", tags=["space compliance"], dependencies=[Depends(current_user)]
)
# The city-wide report is the bureau's; a served unit reads its own unit's answer.
ReportReader = Annotated[Principal, Depends(require_roles(*policy.REPORT_READERS))]


@router.get("/units/{unit_id}/space-compliance", response_model=UnitCompliance)
async def unit_compliance(
    unit_id: str, session: SessionDep, viewer: CurrentUser, as_of: IsoDate | None = None
):
    return await service.unit_compliance(
        session=session, unit_id=unit_id, viewer=viewer, as_of=as_of
    )


@router.get(
    "/reports/space-compliance",
    response_model=ComplianceReport,
    responses=XLSX_RESPONSE,
)
async def space_compliance_report(
    session: SessionDep,
    viewer: ReportReader,
    page: PageQuery,
    as_of: IsoDate | None = None,
    status: ComplianceStatus | None = None,
    level: UnitLevel | None = None,
    sort: ComplianceSort = ComplianceSort.code,
    format: Literal["json", "xlsx"] = "json",
):
    """Every unit (or those of `status`, of `level`); `format=xlsx` answers them all as a
    spreadsheet."""
    if format == "xlsx":
        filename, content = await service.space_compliance_spreadsheet(
            session=session, viewer=viewer, as_of=as_of, status=status, level=level, sort=sort
        )
        return xlsx_response(content, filename)
    return await service.space_compliance_report(
        session=session,
        viewer=viewer,
        as_of=as_of,
        status=status,
        page=page,
        level=level,
        sort=sort,
    )
