"""Bad input is refused with a problem+json 4xx naming the field, and changes nothing."""

import pytest
from sqlalchemy import func, select

from ledger_svc.quality.models import MAX_TEXT_CHARS, ProcedureDocument, ProcedureRevision

from .quality_helpers import DOCUMENTS, document_body, problem, register, revision_url

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"code": "C" * 51}, "#/code"),
        ({"code": ""}, "#/code"),
        ({"title": "差旅费\u0007报销"}, "#/title"),
        ({"title": "标" * 201}, "#/title"),
        ({"text": "第一条\u0000"}, "#/text"),
        ({"kind": "memo"}, "#/kind"),
        ({"effective_on": "1900-01-01"}, "#/effective_on"),
        ({"effective_on": "2026-02-30"}, "#/effective_on"),
        ({"next_review_on": "2026-03-01"}, "#/next_review_on"),
        ({"next_review_on": "2046-03-01"}, "#/next_review_on"),
        ({"text": "a" * (MAX_TEXT_CHARS + 1)}, "#/text"),
        ({"signed_by": "局长"}, "#/signed_by"),
    ],
)
async def test_bad_documents_are_refused_by_field(
    client, session_factory, drafter, head, fields, pointer
):
    answer = await client.post(
        DOCUMENTS, json=document_body(head, **fields), headers=drafter.headers
    )
    body = problem(answer, 422)
    assert pointer in [error["pointer"] for error in body["errors"]], body
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(ProcedureDocument)) == 0


async def test_a_ten_megabyte_text_is_refused_before_it_is_read(client, drafter, head):
    answer = await client.post(
        DOCUMENTS,
        json=document_body(head, text="规" * (10 * 1024 * 1024 // 3)),
        headers=drafter.headers,
    )
    problem(answer, 413)


async def test_codes_are_unique_and_drafts_keep_their_dates_sane(
    client, session_factory, drafter, head, admin, outsider
):
    document = await register(client, drafter, head)
    problem(
        await client.post(DOCUMENTS, json=document_body(head), headers=admin.headers),
        409,
        "unique-document-code",
    )
    # Another department's documents are not theirs to enter.
    problem(
        await client.post(
            DOCUMENTS, json=document_body(head, code="GJ-WY-001"), headers=outsider.headers
        ),
        403,
    )
    # An edit is judged with what the draft already says.
    early_review = await client.patch(
        revision_url(document, 1), json={"next_review_on": "2026-02-01"}, headers=drafter.headers
    )
    assert problem(early_review, 422)["errors"][0]["pointer"] == "#/next_review_on"
    problem(
        await client.patch(
            revision_url(document, 1), json={"title": None}, headers=drafter.headers
        ),
        422,
    )
    stale = await client.patch(
        revision_url(document, 1),
        json={"title": "新标题"},
        headers={**drafter.headers, "If-Match": '"7"'},
    )
    problem(stale, 412)
    async with session_factory() as session:
        revision = await session.scalar(select(ProcedureRevision))
        assert (revision.title, revision.next_review_on.isoformat(), revision.version) == (
            "差旅费报销办理流程",
            "2027-03-01",
            1,
        )
