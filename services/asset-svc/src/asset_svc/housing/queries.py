"""Who lived in which housing unit on a given day, derived from the moves."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Subquery, func, select

from asset_svc.housing.models import HousingMove, MoveKind


def residents_as_of(as_of: date | None) -> Subquery:
    """(housing_unit_id, occupant_id, occupied_since) of every unit lived in on `as_of` (or
    after the last move): the unit's last move by then, when it is a move-in. Moves are kept
    in date order, so the last by step is the last by date."""
    ranked = select(
        HousingMove.housing_unit_id,
        HousingMove.occupant_id,
        HousingMove.kind,
        HousingMove.effective_date.label("occupied_since"),
        func.row_number()
        .over(partition_by=HousingMove.housing_unit_id, order_by=HousingMove.step.desc())
        .label("rank"),
    )
    if as_of is not None:
        ranked = ranked.where(HousingMove.effective_date <= as_of)
    ranked = ranked.subquery()
    return (
        select(ranked.c.housing_unit_id, ranked.c.occupant_id, ranked.c.occupied_since)
        .where(ranked.c.rank == 1, ranked.c.kind == MoveKind.move_in.value)
        .subquery()
    )
