"""Per-address limits count an IPv6 caller by its /64, the least a subscriber is given."""

import pytest

from guanjia_shared.addresses import address_block


def test_an_ipv4_address_is_its_own_block():
    assert address_block("203.0.113.7") == "203.0.113.7"
    assert address_block("203.0.113.8") != address_block("203.0.113.7")


@pytest.mark.parametrize(
    "address",
    [
        "2001:db8:1:2::1",
        "2001:db8:1:2::ffff",
        "2001:db8:1:2:aaaa:bbbb:cccc:dddd",
        "2001:DB8:1:2::9",
    ],
)
def test_the_addresses_of_one_ipv6_64_are_one_block(address):
    assert address_block(address) == "2001:db8:1:2::/64"


def test_another_ipv6_64_is_another_block():
    assert address_block("2001:db8:1:3::1") == "2001:db8:1:3::/64"


def test_an_ipv4_mapped_ipv6_address_is_the_ipv4_address():
    assert address_block("::ffff:203.0.113.7") == "203.0.113.7"


def test_a_link_local_address_with_its_zone_is_its_64():
    assert address_block("fe80::1%eth0") == "fe80::/64"


@pytest.mark.parametrize("name", ["testclient", "unknown", "not:an:address"])
def test_what_is_no_address_is_kept_as_it_is(name):
    assert address_block(name) == name
