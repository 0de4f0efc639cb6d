"""Who may read space compliance: the city-wide report is the bureau's own; everyone signed
in reads one unit's answer, a unit-bound caller their own unit's only (units.policy)."""

from __future__ import annotations

from guanjia_shared.auth import BUREAU_ROLES

# The report of every unit, as JSON pages or a spreadsheet.
REPORT_READERS = BUREAU_ROLES
