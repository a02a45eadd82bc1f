"""Who may call the JSON API besides a browser session: personal access tokens (a citizen or an
officer acting as themselves from a script) and per-client API keys (the national portal, the
mobile app, an integrator) limited to named operations and agencies. Secrets are stored only as
their SHA-256; every use of a client key joins the administrators' audit trail."""
