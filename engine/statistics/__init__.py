"""Counts and rates of dossier handling: the periodic report, the service index, dashboards."""
