"""Service failures feeding the quality system, across ticket-svc and ledger-svc (issue 20)."""
