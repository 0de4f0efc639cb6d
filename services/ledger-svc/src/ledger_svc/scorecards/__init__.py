"""Department scorecards (年度考核): a read model of facts fed by other services' events."""
