"""Deadline extensions and the escalation sweep (warnings before and after due times)."""
