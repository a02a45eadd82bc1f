"""Tokens a connector keeps between calls (Zalo OA, the national portal adapter's session), in
the database so every worker shares them."""
