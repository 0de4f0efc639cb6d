"""Property-based tests of every service's OpenAPI document, with schemathesis."""
