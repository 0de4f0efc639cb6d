"""Merging OpenAPI documents, called directly."""

from gateway.openapi.merge import merge_documents, prefix_clashing_schemas
from gateway.proxy.routing import destination_of


def owner_of(path):
    destination = destination_of(path)
    return destination.service if destination else None


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


OWN = {
    "openapi": "3.1.0",
    "info": {"title": "Guanjia API", "version": "0.1.0"},
    "paths": {"/healthz": {"get": {"summary": "gateway alive"}}},
    "components": {"schemas": {"Problem": {"type": "object", "title": "gateway"}}},
}


def test_identical_schemas_are_shared_and_different_ones_take_the_services_prefix():
    asset = {
        "paths": {"/api/v1/asset/units": {"get": {"responses": {"200": ref("UnitRead")}}}},
        "components": {
            "schemas": {
                "UnitRead": {"title": "asset unit"},
                "Problem": OWN["components"]["schemas"]["Problem"],
            }
        },
    }
    ticket = {
        "paths": {"/api/v1/ticket/units/{id}": {"get": {"responses": {"200": ref("UnitRead")}}}},
        "components": {"schemas": {"UnitRead": {"title": "ticket unit"}}},
    }
    merged = merge_documents(OWN, {"asset": asset, "ticket": ticket}, owner_of=owner_of)
    schemas = merged["components"]["schemas"]
    assert schemas["UnitRead"] == {"title": "asset unit"}
    assert schemas["ticket_UnitRead"] == {"title": "ticket unit"}
    assert "asset_Problem" not in schemas
    ticket_get = merged["paths"]["/api/v1/ticket/units/{id}"]["get"]
    assert ticket_get["responses"]["200"] == ref("ticket_UnitRead")
    assert merged["paths"]["/api/v1/asset/units"]["get"]["responses"]["200"] == ref("UnitRead")


def test_a_schema_that_refers_to_a_renamed_one_is_renamed_too():
    taken = {"Item": {"title": "theirs"}, "Page": {"properties": {"items": ref("Item")}}}
    document = {
        "components": {
            "schemas": {"Item": {"title": "ours"}, "Page": {"properties": {"items": ref("Item")}}}
        }
    }
    renamed = prefix_clashing_schemas(document, "ledger", taken)["components"]["schemas"]
    assert renamed == {
        "ledger_Item": {"title": "ours"},
        "ledger_Page": {"properties": {"items": ref("ledger_Item")}},
    }


def test_only_the_paths_the_gateway_routes_to_a_service_are_kept():
    ticket = {
        "paths": {
            "/api/v1/ticket/tickets": {"get": {}},
            "/public/v1/commitments": {"get": {}},
            "/healthz": {"get": {"summary": "ticket alive"}},
            "/api/v1/asset/units": {"get": {"summary": "not ticket's"}},
        }
    }
    merged = merge_documents(OWN, {"ticket": ticket}, owner_of=owner_of)
    assert set(merged["paths"]) == {
        "/healthz",
        "/api/v1/ticket/tickets",
        "/public/v1/commitments",
    }
    assert merged["paths"]["/healthz"]["get"]["summary"] == "gateway alive"


def test_the_merged_document_offers_the_gateways_token_endpoint():
    merged = merge_documents(OWN, {}, owner_of=owner_of)
    flows = merged["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert OWN["components"].get("securitySchemes") is None  # the input is left alone
