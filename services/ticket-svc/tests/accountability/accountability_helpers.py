"""What the accountability tests share."""

from ticket_svc.accountability.models import AccountabilityRecord
from ticket_svc.accountability.service import Breach, record_breaches


async def record_breach(session, **breach) -> AccountabilityRecord | None:
    """One breach recorded by rule, as the escalation job records a batch of them: the
    record made, or None when the breach is recorded already."""
    made = await record_breaches(session, [Breach(**breach)])
    return made[0] if made else None
