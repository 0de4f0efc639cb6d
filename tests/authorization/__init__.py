"""Who may call what: every route of every service and the gateway, as every role."""
