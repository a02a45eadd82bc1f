"""Per-provider connector settings stored in the database, secrets write-only."""
