"""Who may do what with space standards: an admin records a new version of a figure;
everyone signed in reads them (they are published figures)."""

from __future__ import annotations

from guanjia_shared.auth import Role

# Add a version of a level's and rank's figure.
WRITERS = frozenset({Role.admin})
