"""The production entry point: `gunicorn -w 2 webapp.wsgi:app` (one app per worker process)."""

from webapp import create_app

app = create_app()
