"""NetworkPolicy semantics, small enough to read: may pod A open a connection to pod B's port?

What Kubernetes defines (networking.k8s.io/v1): a pod selected by some policy with
`Ingress` (`Egress`) in its policyTypes is isolated for ingress (egress), and then takes
only what one of those policies' rules allows; a pod no such policy selects takes anything.
A connection needs the source's egress and the destination's ingress to allow it. Peers are
pods (podSelector, namespaceSelector, or both ANDed) or address blocks; ports are numbers,
ranges (endPort) or the destination container's port names. The kubelet's probes are not
subject to policies and are not modelled.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Pod:
    name: str
    namespace: str
    labels: Mapping[str, str]
    namespace_labels: Mapping[str, str]
    # Container port name -> (number, protocol).
    ports: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    ip: str = "10.0.0.1"


@dataclass(frozen=True)
class External:
    """An address outside the pod network (the API server, the internet)."""

    ip: str


Endpoint = Pod | External


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """A LabelSelector: matchLabels and matchExpressions, ANDed; {} matches everything."""
    if selector is None:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def _peer_matches(peer: Mapping[str, Any], other: Endpoint, policy_namespace: str) -> bool:
    if "ipBlock" in peer:
        if not isinstance(other, External):
            # Pod addresses may fall in a block too; our policies use blocks only for
            # addresses outside the cluster, so a pod never matches one here.
            return False
        block = peer["ipBlock"]
        address = ipaddress.ip_address(other.ip)
        if address not in ipaddress.ip_network(block["cidr"]):
            return False
        return not any(address in ipaddress.ip_network(cidr) for cidr in block.get("except", []))
    if isinstance(other, External):
        return False
    if "namespaceSelector" in peer:
        if not selector_matches(peer["namespaceSelector"], other.namespace_labels):
            return False
    elif other.namespace != policy_namespace:
        return False
    return selector_matches(peer.get("podSelector"), other.labels)


def _port_matches(
    rule_ports: Iterable[Mapping[str, Any]] | None, port: int, destination: Endpoint, protocol: str
) -> bool:
    rule_ports = list(rule_ports or [])
    if not rule_ports:
        return True
    for entry in rule_ports:
        if entry.get("protocol", "TCP") != protocol:
            continue
        wanted = entry.get("port")
        if wanted is None:
            return True
        if isinstance(wanted, str):
            if isinstance(destination, Pod) and destination.ports.get(wanted) == (port, protocol):
                return True
            continue
        if wanted <= port <= entry.get("endPort", wanted):
            return True
    return False


def _types(policy: Mapping[str, Any]) -> list[str]:
    spec = policy["spec"]
    if "policyTypes" in spec:
        return spec["policyTypes"]
    return ["Ingress", *(["Egress"] if "egress" in spec else [])]


@dataclass
class Policies:
    policies: list[dict[str, Any]]

    def _selecting(self, pod: Pod, direction: str) -> list[dict[str, Any]]:
        return [
            policy
            for policy in self.policies
            if policy["metadata"]["namespace"] == pod.namespace
            and direction in _types(policy)
            and selector_matches(policy["spec"].get("podSelector"), pod.labels)
        ]

    def _allows(
        self,
        pod: Pod,
        other: Endpoint,
        port: int,
        protocol: str,
        direction: str,
        destination: Endpoint,
    ) -> bool:
        selecting = self._selecting(pod, direction)
        if not selecting:
            return True
        key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
        for policy in selecting:
            for rule in policy["spec"].get(key) or []:
                peers = rule.get(peers_key)
                if peers and not any(
                    _peer_matches(peer, other, policy["metadata"]["namespace"]) for peer in peers
                ):
                    continue
                if _port_matches(rule.get("ports"), port, destination, protocol):
                    return True
        return False

    def allowed(
        self, source: Endpoint, destination: Endpoint, port: int | str, protocol: str = "TCP"
    ) -> bool:
        """Whether `source` may connect to `destination` on `port` (a number, or the name
        of one of the destination pod's container ports)."""
        if isinstance(port, str):
            assert isinstance(destination, Pod), "a named port needs a pod"
            port, protocol = destination.ports[port]
        egress_ok = (
            True
            if isinstance(source, External)
            else self._allows(source, destination, port, protocol, "Egress", destination)
        )
        ingress_ok = (
            True
            if isinstance(destination, External)
            else self._allows(destination, source, port, protocol, "Ingress", destination)
        )
        return egress_ok and ingress_ok
