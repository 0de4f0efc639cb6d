"""Escalation (督办): the periodic job (jobs.py) that raises each SLA threshold of a ticket
once — to its owner, then the department head, then the leadership — records breaches as
penalties, and confirms resolved tickets nobody answered; and the queues that read what it
raised."""
