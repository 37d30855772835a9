"""Reminders before each report deadline: when, to whom, what, and sent exactly once."""
