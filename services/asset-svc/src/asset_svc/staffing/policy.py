"""Who may do what with staffing: an admin records a unit's staffing; everyone signed in
reads it, a unit-bound caller their own unit's only (units.policy)."""

from __future__ import annotations

from guanjia_shared.auth import Role

# Replace a unit's staffing.
WRITERS = frozenset({Role.admin})
