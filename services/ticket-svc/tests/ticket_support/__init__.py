"""What ticket-svc's tests share, one module per test folder (the root pytest configuration
puts services/ticket-svc/tests on the path, so this imports as `ticket_support`)."""
