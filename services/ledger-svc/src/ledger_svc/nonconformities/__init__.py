"""Nonconformities and corrective actions (CAPA; ISO 9001:2015 10.2), under
`/api/v1/ledger/quality/nonconformities…`: from an audit's finding, a complaint, or
automatically from ticket-svc's breaches and ratings (consumers.py), through containment,
root cause, corrective actions (ledger items) and the effectiveness check to closing.
"""
