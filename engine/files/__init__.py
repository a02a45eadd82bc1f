"""Uploaded files: kept outside the database behind one storage interface, checked by content."""
