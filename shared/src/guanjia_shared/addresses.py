"""Callers' addresses as the per-address limits count them.

An IPv4 address is one caller (or one NAT in front of many). An IPv6 subscriber is handed a
whole /64 at least (RFC 6177, and SLAAC needs a /64 per link), and picks any of its 2^64
addresses at will: counted address by address, one household would never meet a limit. So
every per-address limit counts an IPv6 caller by its /64.
"""

from __future__ import annotations

import ipaddress

IPV6_BLOCK_BITS = 64


def address_block(address: str) -> str:
    """The key a per-address limit counts `address` under: an IPv4 address as it is, an
    IPv6 address as its /64 (an IPv4-mapped one as the IPv4 address it maps), anything that
    is no address (a test client's name) as it is."""
    if ":" not in address:  # IPv4 or a name: the common case, without parsing
        return address
    try:
        ip = ipaddress.IPv6Address(address)
    except ValueError:
        return address
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    shift = 128 - IPV6_BLOCK_BITS
    return str(ipaddress.IPv6Network((int(ip) >> shift << shift, IPV6_BLOCK_BITS)))
