"""Who reads the building replica: the bureau's own people (not the served agencies' staff,
nor machine clients). It is written only by asset-svc's events (consumers.py)."""

from __future__ import annotations

from guanjia_shared.auth import BUREAU_ROLES

READERS = BUREAU_ROLES
