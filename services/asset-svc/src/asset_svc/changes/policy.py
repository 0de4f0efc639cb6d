"""Who may do what with the change register: an admin records changes; the register of
changes is the bureau's own book, read by its leaders, auditors and department heads. A
served unit reads its rooms' history and its occupancy instead, its own unit's only
(units.policy), with leaders' offices left out of the rooms listed (register.policy)."""

from __future__ import annotations

from guanjia_shared.auth import Role

# Record a change (and a renovation's acceptance, which records one).
RECORDERS = frozenset({Role.admin})
# List the changes, read one.
READERS = frozenset({Role.admin, Role.leader, Role.auditor, Role.dept_head})
