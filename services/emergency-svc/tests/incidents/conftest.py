import sys
from pathlib import Path

# What the incident and task tests share (incident_helpers.py) lives beside these tests.
sys.path.insert(0, str(Path(__file__).parent))

from incident_helpers import people, service  # noqa: F401 - the fixtures
