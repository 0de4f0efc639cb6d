"""Who the services believe about a caller's address (docs/security.md, "Caller
addresses"). In docker-compose.yml the services believe X-Forwarded-For from the gateway
alone, named by its fixed address on the stack's network: another container there (or
anyone attached to the network later) is not believed. Issue 14: they believed `*`."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {
    "asset-svc": "ASSET",
    "ticket-svc": "TICKET",
    "ledger-svc": "LEDGER",
    "emergency-svc": "EMERGENCY",
    "notify-svc": "NOTIFY",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def gateway_address(compose: dict) -> ipaddress.IPv4Address:
    return ipaddress.ip_address(
        compose["services"]["gateway"]["networks"]["default"]["ipv4_address"]
    )


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_believes_forwarded_addresses_from_the_gateway_alone(compose, service):
    environment = compose["services"][service]["environment"]
    believed = environment[f"GUANJIA_{SERVICES[service]}_FORWARDED_ALLOW_IPS"]

    assert [ipaddress.ip_address(entry.strip()) for entry in believed.split(",")] == [
        gateway_address(compose)
    ]


def test_the_gateways_address_is_its_own(compose):
    [pool] = compose["networks"]["default"]["ipam"]["config"]
    address = gateway_address(compose)

    assert address in ipaddress.ip_network(pool["subnet"])
    # Docker hands the other containers addresses from ip_range only.
    assert address not in ipaddress.ip_network(pool["ip_range"])
    others = [name for name, service in compose["services"].items() if "networks" in service]
    assert others == ["gateway"]


def test_the_gateway_believes_no_caller_that_connects_straight_to_it(compose):
    environment = compose["services"]["gateway"]["environment"]

    assert environment["GUANJIA_GATEWAY_FORWARDED_ALLOW_IPS"] == "127.0.0.1"
