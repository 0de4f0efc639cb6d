"""Management by exception (例外原则): the items that need the leadership's attention, and why."""
