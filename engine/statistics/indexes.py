"""The indexes the statistics read through (see README, "Statistics at scale").

Declared here, on the dossier tables' metadata, so the models and the migration agree without
the statistics owning those tables. Each report query is an OR of three ranges, one per index:
dossiers received in the period, dossiers finished since its start, dossiers still open.
"""

from sqlalchemy import Index, text

from engine.dossiers.models import Dossier, DossierEvent, Rating

RECEIVED = Index("ix_dossiers_received_at", Dossier.received_at)
FINISHED = Index("ix_dossiers_finished_at", Dossier.finished_at)
#: the open dossiers are few (days of work) among millions: a partial index keeps them at hand
STILL_OPEN = Index(
    "ix_dossiers_open_received_at",
    Dossier.received_at,
    postgresql_where=text("finished_at IS NULL"),
    sqlite_where=text("finished_at IS NULL"),
)
STATUS_CHANGES = Index("ix_dossier_events_to_status_at", DossierEvent.to_status, DossierEvent.at)
RETURNED = Index("ix_dossiers_returned_at", Dossier.returned_at)
#: a leader's report covers a few agencies: the same ranges within each agency, so PostgreSQL
#: ORs per-agency ranges instead of reading every page that holds one of the agencies' rows
#: (a commune's month: 285 ms → 6 ms over 1,000,000 dossiers); returned: ix_dossiers_agency_returned
AGENCY_RECEIVED = Index("ix_dossiers_agency_received", Dossier.agency_id, Dossier.received_at)
AGENCY_FINISHED = Index("ix_dossiers_agency_finished", Dossier.agency_id, Dossier.finished_at)
AGENCY_RETURNED = Index("ix_dossiers_agency_returned", Dossier.agency_id, Dossier.returned_at)
#: satisfaction counts the ratings given in a period
RATED = Index("ix_ratings_created_at", Rating.created_at)
