"""Every event type the gateway publishes, as the `auth` source (its stream,
`<namespace>.auth.>`), for the services that keep a replica of the bureau's people
(notify-svc, to know whom to tell and how).

Each is written to the gateway's outbox in the transaction of the change it tells of.
Where their data is built: users/events.py, contacts/service.py.
"""

from __future__ import annotations

from enum import StrEnum

# The source the gateway's events name, and the first word of their types.
EVENT_SOURCE = "auth"


class AuthEvent(StrEnum):
    # The whole person as a replica keeps them (subject: the user's id): name, roles, unit,
    # department, active, their verified contact points, their message preferences, and
    # `version`, raised by each change, so a replica keeps the highest it has seen.
    user_created = "auth.user.created"
    user_updated = "auth.user.updated"
    # A code to send to a contact point being verified (subject: the user's id): channel,
    # address, code, expires_at. It is the only place the code travels in clear.
    contact_verification_requested = "auth.contact.verification_requested"
