"""Reports upward (信息报送) to the city: an initial report (初报) and follow-up reports
(续报), each due within a time set per grade (time_limits.py, from the settings), and told
once when overdue, by the response timers (tasks/jobs.py).

- The initial report falls due when the incident is activated — the moment the bureau
  confirms the event and responds; a report nobody has acted on yet owes the city nothing —
  `initial_report_minutes[grade]` later.
- Submitting a report makes the next follow-up due `followup_report_interval_minutes
  [grade]` after the submission, and so on until the incident closes. A grade left out of
  a setting owes no report of that kind (one may still be submitted).
- A level change brings the pending report's deadline forward when the new grade allows
  less time (never back: a deadline announced is not withdrawn by a lower grade).
- A report not submitted by its deadline is told once (`emergency.report.overdue`, a
  timeline line); it can still be submitted afterwards, and is marked late.
- Closing the incident cancels the report still pending.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.incidents.event_data import publish_report_overdue
from emergency_svc.incidents.models import (
    Incident,
    IncidentReport,
    ReportIn,
    ReportKind,
    TimelineKind,
)
from emergency_svc.incidents.time_limits import ResponseTimeLimits
from emergency_svc.incidents.timeline import append_to_timeline
from emergency_svc.plans.document import Level
from guanjia_shared.auth import Principal
from guanjia_shared.errors import Conflict

INITIAL_NUMBER = 0


def _kind_of(number: int) -> ReportKind:
    return ReportKind.initial if number == INITIAL_NUMBER else ReportKind.follow_up


async def reports_of(session: AsyncSession, incident_id: str) -> list[IncidentReport]:
    rows = await session.execute(
        select(IncidentReport)
        .where(IncidentReport.incident_id == incident_id)
        .order_by(IncidentReport.number)
    )
    return list(rows.scalars().all())


async def pending_report(session: AsyncSession, incident_id: str) -> IncidentReport | None:
    """The report owed now: the one due and neither submitted nor cancelled."""
    return await session.scalar(
        select(IncidentReport)
        .where(
            IncidentReport.incident_id == incident_id,
            IncidentReport.submitted_at.is_(None),
            IncidentReport.cancelled_at.is_(None),
        )
        .order_by(IncidentReport.number)
        .limit(1)
    )


async def open_report(
    session: AsyncSession,
    incident: Incident,
    number: int,
    *,
    at: dt.datetime,
    actor: Principal | None,
    limits: ResponseTimeLimits,
) -> IncidentReport | None:
    """Make report `number` due from `at`, if the incident's grade asks for it."""
    kind = _kind_of(number)
    window = limits.report_window(kind, Level(incident.level))
    if window is None:
        return None
    report = IncidentReport(
        incident_id=incident.id,
        number=number,
        kind=kind.value,
        level=incident.level,
        due_at=at + window,
        next_check_at=at + window,
    )
    session.add(report)
    await session.flush()
    _timeline_due(session, incident, report, at=at, actor=actor, because="opened")
    return report


async def submit_report(
    session: AsyncSession,
    incident: Incident,
    data: ReportIn,
    *,
    at: dt.datetime,
    actor: Principal,
    limits: ResponseTimeLimits,
) -> IncidentReport:
    """Submit the report owed (or one unasked, when the grade sets no deadline); the next
    follow-up falls due. The caller holds the incident's row and commits."""
    reports = await reports_of(session, incident.id)
    initial_done = any(r.number == INITIAL_NUMBER and r.submitted_at is not None for r in reports)
    if data.kind == ReportKind.initial and initial_done:
        raise Conflict("the initial report has been submitted already", rule="report-order")
    if data.kind == ReportKind.follow_up and not initial_done:
        raise Conflict("the initial report comes before any follow-up", rule="report-order")
    report = next((r for r in reports if r.submitted_at is None and r.cancelled_at is None), None)
    if report is None:
        number = INITIAL_NUMBER if data.kind == ReportKind.initial else _next_number(reports)
        report = IncidentReport(
            incident_id=incident.id, number=number, kind=data.kind.value, level=incident.level
        )
        session.add(report)
    report.submitted_at = at
    report.submitted_by = actor.id
    report.content = data.content
    report.next_check_at = None
    await session.flush()
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.report_submitted,
        at=at,
        actor=actor,
        data={
            "report_id": report.id,
            "number": report.number,
            "kind": report.kind,
            "due_at": report.due_at.isoformat() if report.due_at else None,
            "late": report.due_at is not None and at > report.due_at,
        },
    )
    await open_report(session, incident, report.number + 1, at=at, actor=actor, limits=limits)
    return report


def _next_number(reports: list[IncidentReport]) -> int:
    return max((r.number for r in reports), default=INITIAL_NUMBER) + 1


async def bring_deadline_forward(
    session: AsyncSession,
    incident: Incident,
    *,
    at: dt.datetime,
    actor: Principal,
    limits: ResponseTimeLimits,
) -> None:
    """After a level change: the pending report is due no later than the new grade allows
    from now; with none pending and no initial report yet, the initial one falls due."""
    report = await pending_report(session, incident.id)
    if report is None:
        has_initial = await session.scalar(
            select(func.count())
            .select_from(IncidentReport)
            .where(
                IncidentReport.incident_id == incident.id,
                IncidentReport.number == INITIAL_NUMBER,
            )
        )
        if not has_initial:
            await open_report(session, incident, INITIAL_NUMBER, at=at, actor=actor, limits=limits)
        return
    window = limits.report_window(ReportKind(report.kind), Level(incident.level))
    if window is None or report.overdue_at is not None:
        return
    if report.due_at is None or at + window < report.due_at:
        report.due_at = at + window
        report.next_check_at = report.due_at
        report.level = incident.level
        _timeline_due(session, incident, report, at=at, actor=actor, because="level_changed")


async def cancel_pending_reports(
    session: AsyncSession, incident: Incident, *, at: dt.datetime
) -> None:
    await session.execute(
        update(IncidentReport)
        .where(
            IncidentReport.incident_id == incident.id,
            IncidentReport.submitted_at.is_(None),
            IncidentReport.cancelled_at.is_(None),
        )
        .values(cancelled_at=at, next_check_at=None)
    )


async def tell_report_overdue(
    session: AsyncSession, report: IncidentReport, at: dt.datetime
) -> bool:
    """The timers' step for a report past its deadline: its timeline line and
    `emergency.report.overdue`, once. The compare-and-set on `overdue_at` is the once: a
    second tick that got hold of the same report finds it told and writes nothing."""
    told = await session.execute(
        update(IncidentReport)
        .where(
            IncidentReport.id == report.id,
            IncidentReport.overdue_at.is_(None),
            IncidentReport.submitted_at.is_(None),
            IncidentReport.cancelled_at.is_(None),
            IncidentReport.due_at <= at,
        )
        .values(overdue_at=at, next_check_at=None)
    )
    await session.refresh(report)
    if told.rowcount != 1:
        report.next_check_at = next_report_check(report)
        return False
    incident = await session.get(Incident, report.incident_id)
    assert incident is not None
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.report_overdue,
        at=at,
        actor=None,
        data={
            "report_id": report.id,
            "number": report.number,
            "kind": report.kind,
            "due_at": report.due_at.isoformat() if report.due_at else None,
        },
    )
    await publish_report_overdue(session, incident, report)
    return True


def next_report_check(report: IncidentReport) -> dt.datetime | None:
    """When the timers must look at a report again: its deadline while it is owed and its
    lateness untold; never otherwise."""
    if report.submitted_at or report.cancelled_at or report.overdue_at:
        return None
    return report.due_at


def _timeline_due(
    session: AsyncSession,
    incident: Incident,
    report: IncidentReport,
    *,
    at: dt.datetime,
    actor: Principal | None,
    because: str,
) -> None:
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.report_due,
        at=at,
        actor=actor,
        data={
            "report_id": report.id,
            "number": report.number,
            "kind": report.kind,
            "level": report.level,
            "due_at": report.due_at.isoformat() if report.due_at else None,
            "because": because,
        },
    )
