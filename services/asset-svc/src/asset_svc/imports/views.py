from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from asset_svc.config import ServiceSettings
from asset_svc.imports import policy, service
from asset_svc.imports.models import ImportResult
from guanjia_shared.app import BODY_LIMIT_KEY
from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.errors import InvalidInput
from guanjia_shared.spreadsheets import XLSX_MEDIA_TYPE, xlsx_response

# An inventory of 100 000 rooms is a few MiB as xlsx.
MAX_WORKBOOK_BYTES = 64 * 1024 * 1024

router = APIRouter(
    prefix="/api/v1/asset/imports", tags=["imports"], dependencies=[Depends(current_user)]
)
Importer = Annotated[Principal, Depends(require_roles(*policy.IMPORTERS))]


@router.get(
    "/template", response_class=Response, responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}}
)
async def download_template() -> Response:
    return xlsx_response(service.template_workbook(), "guanjia-inventory-template.xlsx")


@router.post(
    "",
    response_model=ImportResult,
    openapi_extra={
        BODY_LIMIT_KEY: MAX_WORKBOOK_BYTES,
        "requestBody": {
            "content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            "required": True,
        },
    },
)
async def import_workbook(
    request: Request, session: SessionDep, settings: ServiceSettings, actor: Importer
):
    """Upload the filled-in workbook as the request body (Content-Type: the xlsx type) or
    as the `file` field of a multipart form. All rows are imported, or none."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput(
                "the form has no file field", errors=[{"detail": "missing", "pointer": "#/file"}]
            )
        content = await upload.read()
    else:
        content = await request.body()
    return await service.import_workbook(
        session=session, content=content, max_rows=settings.import_max_rows, actor=actor
    )
