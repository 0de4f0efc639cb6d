"""Which service answers a path: the gateway's one routing table. Paths are forwarded
unchanged, since every service answers the same paths as the gateway."""

from __future__ import annotations

from dataclasses import dataclass

API_PREFIX = "/api/v1/"
PUBLIC_PREFIX = "/public/v1/"
SERVICES = ("asset", "ticket", "ledger", "emergency", "notify")
# The public, unauthenticated paths (信息公开), by their first segment.
PUBLIC_OWNERS = {
    "asset": "asset",
    "commitments": "ticket",
    "ratings": "ticket",
    "ticket": "ticket",
    "ledger": "ledger",
    "emergency": "emergency",
}


@dataclass(frozen=True, slots=True)
class Destination:
    service: str
    public: bool


# Made once: routing a request allocates nothing.
_API = {service: Destination(service, public=False) for service in SERVICES}
_PUBLIC = {segment: Destination(owner, public=True) for segment, owner in PUBLIC_OWNERS.items()}


def _first_segment(path: str, start: int) -> str:
    end = path.find("/", start)
    return path[start:] if end < 0 else path[start:end]


def destination_of(path: str) -> Destination | None:
    """The service that answers `path`, or None when the gateway answers it itself."""
    if path.startswith(API_PREFIX):
        return _API.get(_first_segment(path, len(API_PREFIX)))
    if path.startswith(PUBLIC_PREFIX):
        return _PUBLIC.get(_first_segment(path, len(PUBLIC_PREFIX)))
    return None
