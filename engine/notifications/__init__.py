"""Notifications: the administrator's templates, the citizen's channels, the officer's list."""
