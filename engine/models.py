"""Every model module, imported once so the metadata (and Alembic) sees every table."""


def import_all_models() -> None:
    import engine.agencies.models
    import engine.api_clients.models
    import engine.calendar.models
    import engine.configuration.models
    import engine.connector_settings.models
    import engine.connector_tokens.models
    import engine.deadlines.models
    import engine.document_issues.models
    import engine.documents_store.models
    import engine.dossiers.models
    import engine.dossiers.search
    import engine.files.models
    import engine.heartbeat.models
    import engine.idempotency.models
    import engine.national_portal.models
    import engine.notifications.models
    import engine.outbox.models
    import engine.payments.models
    import engine.postal.models
    import engine.procedures.models
    import engine.rate_limits.models
    import engine.receipts.models
    import engine.signing.models
    import engine.statistics.indexes
    import engine.tasks.models
    import engine.users.admin_audit
    import engine.users.models
    import engine.workflow.models  # noqa: F401
