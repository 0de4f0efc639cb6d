"""Who reads the readiness report: the bureau's own people (not the served agencies' staff,
nor machine clients). It only reads; there is nothing else to allow."""

from __future__ import annotations

from guanjia_shared.auth import BUREAU_ROLES

READERS = BUREAU_ROLES
