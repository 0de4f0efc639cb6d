"""Interventions (干预): a leader's instruction on a ledger item, acknowledged and answered by
its owner, closed by a leader."""
