"""Sync with the national public-service portal: dossiers pushed out (sync.py), dossiers
submitted on the portal received here (incoming.py), its procedure catalogue compared with ours
(catalogue.py)."""
