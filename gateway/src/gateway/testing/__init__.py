"""Test support for the gateway, used by its tests and the platform's (tests/faults,
tests/console): the gateway and the services behind it run for real (harness), and a
stand-in service (fake_service)."""
