"""Backing up and restoring a whole deployment: every table and every stored file, portably."""
