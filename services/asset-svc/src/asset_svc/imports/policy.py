"""Who may import an inventory: an admin. Everyone signed in downloads the empty workbook
(the sheet agencies fill in)."""

from __future__ import annotations

from guanjia_shared.auth import Role

# Import a filled-in workbook.
IMPORTERS = frozenset({Role.admin})
