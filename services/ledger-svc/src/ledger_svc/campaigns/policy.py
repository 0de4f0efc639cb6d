"""Who may do what with campaigns (主题活动). They are the bureau's own: its people read
them, not the served agencies' staff nor machine clients. Admins and the leadership write
them (the campaign, its activities, who took part, the results). After its last day an admin
or a leader closes a campaign; before, only a leader may cut it short — ending the year's
campaign early is the leadership's decision."""

from __future__ import annotations

import datetime as dt

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.campaigns.models import Campaign

READERS = BUREAU_ROLES
WRITERS = frozenset({Role.admin, Role.leader})
EARLY_CLOSERS = frozenset({Role.leader})


def ensure_may_write(actor: Principal) -> None:
    if not actor.has_any(*WRITERS):
        raise Forbidden("only an admin or a leader writes campaigns")


def ensure_may_close(actor: Principal, campaign: Campaign, today: dt.date) -> None:
    """The rule of closing early (the actor writes campaigns: `ensure_may_write`)."""
    if today <= campaign.ends_on and not actor.has_any(*EARLY_CLOSERS):
        raise Forbidden(
            f"campaign {campaign.id} runs until {campaign.ends_on}: before then only a leader "
            "closes it",
            rule="campaign-not-over",
        )
