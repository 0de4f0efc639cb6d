"""Accountability records (奖惩): rewards and penalties, their exemptions, and the events
that feed the ledger's scorecards."""
