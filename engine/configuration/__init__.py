"""What administrators configure that every step reads: kept per process between edits."""
