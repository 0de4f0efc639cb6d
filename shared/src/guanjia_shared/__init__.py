"""The common library every Guanjia service and the gateway import.

One implementation of each shared mechanism lives here: settings, database, the
transactional outbox and its relay, the event envelope, consumers, RFC 9457 errors,
token verification, pagination, health, metrics, logging and test fixtures.
"""
