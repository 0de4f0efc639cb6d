"""Opening a ticket writes it as a plain row (`NewTicket`), not through the ORM: that row
must have exactly the table's columns and, where opening sets nothing, the table's
defaults."""

import dataclasses

from ticket_svc.tickets.models import NewTicket, Ticket

COLUMNS = set(Ticket.__table__.columns.keys())


def test_a_new_tickets_row_has_every_column_of_the_table_and_no_other():
    assert {field.name for field in dataclasses.fields(NewTicket)} == COLUMNS
    assert set(NewTicket.of(title="灯坏了").row()) == COLUMNS


def test_a_new_ticket_has_the_tables_defaults():
    plain, mapped = NewTicket.of(title="灯坏了"), Ticket(title="灯坏了")
    for column in COLUMNS - {"id", "created_at"}:  # made anew for each ticket
        assert getattr(plain, column) == getattr(mapped, column), column
    assert plain.id != NewTicket.of(title="灯坏了").id
