"""Guanjia's one door: identity, tokens, routing to the services, and limits."""
