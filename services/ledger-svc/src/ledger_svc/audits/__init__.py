"""Internal audits (内部审核, ISO 9001:2015 9.2) under `/api/v1/ledger/quality/…`: the yearly
programme, each audit's scope, team, checklist from the register and findings (issue 20)."""
