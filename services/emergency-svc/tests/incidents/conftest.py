# What the incident and task tests share (incident_helpers.py) lives beside these tests.
from .incident_helpers import people, service  # noqa: F401 - the fixtures
