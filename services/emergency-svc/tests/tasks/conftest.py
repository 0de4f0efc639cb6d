# The task tests share the incident tests' helpers (tests/incidents/incident_helpers.py).
from ..incidents.incident_helpers import people, service  # noqa: F401 - the fixtures
