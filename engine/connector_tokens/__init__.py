"""OAuth tokens a connector rotates (Zalo OA), kept in the database so every worker shares them."""
