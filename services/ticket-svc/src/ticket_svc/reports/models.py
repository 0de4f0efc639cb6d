"""Ticket reports (工单统计): per department and per commitment, the figures the bureau
judges its service by. Reports keep no table of their own; they are read from the ticket
rows (see `queries.py`). What each figure counts is defined in `service.py`."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class ReportFigures(BaseModel):
    """The figures of one row: the tickets opened in the period, in one group."""

    tickets: int = Field(description="tickets opened in the period")
    resolved: int = Field(description="of those, resolved or closed now")
    sla_met: int = Field(description="resolved or closed tickets that met both SLA clocks")
    sla_compliance_percent: float | None = Field(
        description="sla_met / resolved × 100; null when none is resolved (nothing judged)"
    )
    breached: int = Field(
        description="tickets whose SLA is breached as of now (judged not met, answered late, "
        "overdue, or a breached alert raised)"
    )
    response_working_mean_minutes: float | None
    response_working_p90_minutes: float | None
    response_wall_mean_minutes: float | None
    response_wall_p90_minutes: float | None
    resolution_working_mean_minutes: float | None
    resolution_working_p90_minutes: float | None
    resolution_wall_mean_minutes: float | None
    resolution_wall_p90_minutes: float | None
    backlog: int = Field(description="tickets not closed")
    backlog_mean_age_hours: float | None = Field(description="since opening, as of now")
    backlog_max_age_hours: float | None
    reopened: int = Field(description="tickets reopened at least once")
    reopen_rate_percent: float | None = Field(
        description="reopened / tickets resolved at least once × 100"
    )
    dissatisfied_reopens: int = Field(description="reopenings because the requester was unhappy")
    ratings: int = Field(description="tickets with a requester's rating (auto-confirmed: none)")
    mean_rating: float | None = Field(description="mean of each ticket's latest rating, 1–5")


class DepartmentRow(ReportFigures):
    department: str
    late_coordinations: int = Field(
        description="this department's coordinations (协办) on tickets opened in the period "
        "that finished after their deadline or are still open past it"
    )
    breaches_charged: int = Field(description="breached (its own tickets) + late_coordinations")
    public_ratings: int = Field(description="public ratings (行风评议) given in the period")
    public_mean_rating: float | None


class CommitmentRow(ReportFigures):
    commitment_code: str
    commitment_name: str | None = Field(description="the commitment's current name")
    department: str = Field(description="the department the tickets were opened under")


class _Report(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date | None = Field(alias="from", description="first day, Asia/Shanghai, included")
    to: dt.date | None = Field(description="last day, Asia/Shanghai, included")
    as_of: dt.datetime = Field(description="the moment backlog ages and overdue clocks are read")


class DepartmentReport(_Report):
    items: list[DepartmentRow]


class CommitmentReport(_Report):
    items: list[CommitmentRow]


class ReportTotals(_Report):
    """The period's tickets in the viewer's sight, all departments together: the report's
    first three figures without the rest, for a figure at a glance (the leaders' cockpit)."""

    tickets: int = Field(description="tickets opened in the period")
    resolved: int = Field(description="of those, resolved or closed now")
    sla_met: int = Field(description="resolved or closed tickets that met both SLA clocks")
    sla_compliance_percent: float | None = Field(
        description="sla_met / resolved × 100; null when none is resolved (nothing judged)"
    )
