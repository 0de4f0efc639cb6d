"""Revoked token subjects: deactivated users and revoked API clients. A token is checked by
its signature alone and lives `token_lifetime_seconds` (15 minutes), so without this its
holder would go on calling after being turned away. Every replica reads the set from the
shared database every `revocation_refresh_seconds`, and the replica that deactivates or
revokes knows at once; the token check refuses the set's subjects (401)."""

from __future__ import annotations

from sqlalchemy import union_all
from sqlmodel import select

from gateway.clients.models import ApiClient
from gateway.users.models import User
from guanjia_shared.db import SessionFactory
from guanjia_shared.periodic import PeriodicJob


class RevokedSubjects:
    def __init__(self) -> None:
        self._subjects: frozenset[str] = frozenset()
        # What this replica was told while a reload was reading: the reload's answer may
        # predate it, so it is applied again on top.
        self._told_during_reload: dict[str, bool] = {}

    def __contains__(self, subject: str) -> bool:
        return subject in self._subjects

    def tell(self, subject: str, *, revoked: bool) -> None:
        """A change this replica has just committed, in force here before the next reload."""
        self._told_during_reload[subject] = revoked
        self._subjects = self._with(self._subjects, {subject: revoked})

    async def reload(self, session_factory: SessionFactory) -> int:
        """Reads the set again; answers how many subjects it newly holds."""
        self._told_during_reload = {}
        query = union_all(
            select(User.id).where(User.active.is_(False)),
            select(ApiClient.id).where(ApiClient.active.is_(False)),
        )
        async with session_factory() as session:
            read = frozenset((await session.scalars(query)).all())
        subjects = self._with(read, self._told_during_reload)
        newly_revoked = len(subjects - self._subjects)
        self._subjects = subjects
        return newly_revoked

    @staticmethod
    def _with(subjects: frozenset[str], changes: dict[str, bool]) -> frozenset[str]:
        revoked = {subject for subject, is_revoked in changes.items() if is_revoked}
        return (subjects - changes.keys()) | revoked


def revocation_reload(revoked: RevokedSubjects, *, interval_seconds: float) -> PeriodicJob:
    return PeriodicJob(
        name="revocation-reload", interval_seconds=interval_seconds, run=revoked.reload
    )
