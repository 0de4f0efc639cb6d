"""Calendars: working hours and the working-time arithmetic of SLA clocks."""
