"""Fees paid by applicants: online through a provider, or in cash at the one-stop counter."""
