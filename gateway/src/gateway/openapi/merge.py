"""One OpenAPI document for the whole platform: the gateway's own routes and every
service's, as callers see them through the gateway."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

SCHEMA_REF = "#/components/schemas/"
TOKEN_URL = "/api/v1/auth/token"


def _renamed(node: Any, renames: Mapping[str, str]) -> Any:
    """A copy of `node` in which every reference to a renamed schema (in `$ref`, and in
    discriminator mappings) names it by its new name."""
    if isinstance(node, dict):
        return {key: _renamed(value, renames) for key, value in node.items()}
    if isinstance(node, list):
        return [_renamed(value, renames) for value in node]
    if isinstance(node, str) and node.startswith(SCHEMA_REF):
        name = node[len(SCHEMA_REF) :]
        return SCHEMA_REF + renames.get(name, name)
    return node


def prefix_clashing_schemas(
    document: dict[str, Any], service: str, taken: Mapping[str, Any]
) -> dict[str, Any]:
    """A copy of a service's document in which each schema whose name is `taken` by a
    different schema is renamed `<service>_<name>`, references included. Renaming one can
    make a schema that refers to it differ in turn, so this repeats until nothing clashes."""
    renames: dict[str, str] = {}
    while True:
        current = _renamed(document, renames)
        schemas = current.get("components", {}).get("schemas", {})
        current["components"] = {
            **current.get("components", {}),
            "schemas": {renames.get(name, name): schema for name, schema in schemas.items()},
        }
        clashing = {
            name
            for name, schema in current["components"]["schemas"].items()
            if name in taken and taken[name] != schema
        }
        if not clashing:
            return current
        renames.update({name: f"{service}_{name}" for name in clashing})


def merge_documents(
    own: dict[str, Any],
    services: Mapping[str, dict[str, Any]],
    *,
    owner_of: Callable[[str], str | None],
) -> dict[str, Any]:
    """`own` with each service's paths and components added. A service keeps only the paths
    that the gateway routes to it (its /healthz, say, is not reachable through the gateway)."""
    merged = copy.deepcopy(own)
    paths = merged.setdefault("paths", {})
    components = merged.setdefault("components", {})
    tags = merged.setdefault("tags", [])
    for service, document in services.items():
        document = prefix_clashing_schemas(document, service, components.get("schemas", {}))
        for path, item in document.get("paths", {}).items():
            if owner_of(path) == service:
                paths.setdefault(path, item)
        for section, entries in document.get("components", {}).items():
            target = components.setdefault(section, {})
            for name, entry in entries.items():
                target.setdefault(name, entry)
        known_tags = {tag["name"] for tag in tags}
        tags.extend(tag for tag in document.get("tags", []) if tag["name"] not in known_tags)
    _declare_token_security(merged)
    if not tags:
        del merged["tags"]
    return merged


def _declare_token_security(document: dict[str, Any]) -> None:
    """Lets Swagger UI get a token from the gateway and send it with every call (public
    paths need none, hence the empty alternative)."""
    flows = {"password": {"tokenUrl": TOKEN_URL}, "clientCredentials": {"tokenUrl": TOKEN_URL}}
    document["components"].setdefault("securitySchemes", {})["oauth2"] = {
        "type": "oauth2",
        "flows": flows,
    }
    document["security"] = [{"oauth2": []}, {}]
