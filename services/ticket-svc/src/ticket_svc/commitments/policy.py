"""Who may do what with service commitments: everyone signed in reads them (the public reads
the published ones, without a token); an admin alone creates, edits, publishes and
withdraws them."""

from __future__ import annotations

from guanjia_shared.auth import Role

KEEPERS = (Role.admin,)
