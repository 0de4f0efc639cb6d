"""Who may do what with public ratings (行风评议): anyone, without a token, rates and reads
the results and the approved comments; an admin moderates the comments; admins and
auditors read every rating with its comment unmoderated, since such a comment may hold
personal data."""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden

MODERATORS = (Role.admin,)
READERS = (Role.admin, Role.auditor)


def ensure_moderates(actor: Principal) -> None:
    if not actor.has_any(*MODERATORS):
        raise Forbidden("comments are moderated by an admin")


def ensure_reads_every_rating(viewer: Principal) -> None:
    if not viewer.has_any(*READERS):
        raise Forbidden("the ratings with their unmoderated comments are for admins and auditors")
