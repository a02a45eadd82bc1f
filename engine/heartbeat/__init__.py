"""Worker heartbeats: each background worker says it is alive on every run."""
