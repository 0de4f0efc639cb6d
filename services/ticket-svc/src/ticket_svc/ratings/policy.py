"""Who may do what with public ratings (行风评议): anyone, without a token, rates and reads
the results and the approved comments; an admin moderates the comments; admins and
auditors read every rating with its comment unmoderated, since such a comment may hold
personal data."""

from __future__ import annotations

from guanjia_shared.auth import Role

MODERATORS = (Role.admin,)
READERS = (Role.admin, Role.auditor)
