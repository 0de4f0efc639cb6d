"""Who may do what with working calendars: everyone signed in reads them and works out due
times on them; an admin alone creates and changes them and their dated exceptions."""

from __future__ import annotations

from guanjia_shared.auth import Role

KEEPERS = (Role.admin,)
