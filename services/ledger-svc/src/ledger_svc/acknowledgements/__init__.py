"""Read-and-acknowledge (阅知确认) of the procedure register's revisions in force, under
`/api/v1/ledger/quality/…`: distributed to roles and departments, acknowledged once by each
person concerned, counted per department (issue 20)."""
