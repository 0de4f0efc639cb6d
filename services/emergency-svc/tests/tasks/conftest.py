import sys
from pathlib import Path

# The task tests share the incident tests' helpers (tests/incidents/incident_helpers.py).
sys.path.insert(0, str(Path(__file__).parent.parent / "incidents"))

from incident_helpers import people, service  # noqa: F401 - the fixtures
