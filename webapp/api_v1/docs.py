"""The browsable API page: the OpenAPI document rendered on the server (no script, no CDN)."""

from __future__ import annotations

from flask import Flask, render_template
from flask_smorest import Api

METHODS = ("get", "post", "put", "patch", "delete")


def register(app: Flask, api: Api, prefix: str) -> None:
    @app.get(prefix + "/docs", endpoint="api_v1_docs")
    def api_docs():
        return render_template("api_v1/docs.html", spec=api.spec.to_dict(), methods=METHODS)
