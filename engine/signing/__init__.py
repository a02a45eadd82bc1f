"""Digital signatures on result documents: the agency signs when the leader approves, anyone
verifies on the public page."""
