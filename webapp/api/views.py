from __future__ import annotations

from flask import jsonify, request
from flask_wtf.csrf import generate_csrf

from engine.db import transaction
from engine.dossiers.models import CHANNEL_ONLINE
from engine.dossiers.queries import get_dossier, lookup_dossier
from engine.dossiers.submission import submit_dossier
from engine.errors import InvalidInput
from engine.tasks.completion import complete_task
from engine.tasks.queries import list_inbox
from webapp.api import bp
from webapp.api.schemas import dossier_json, public_dossier_json, task_json
from webapp.auth import signed_in_actor
from webapp.extensions import db


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("Nội dung yêu cầu phải là một đối tượng JSON.")
    return body


def _object_field(body: dict, name: str) -> dict:
    value = body.get(name) or {}
    if not isinstance(value, dict):
        raise InvalidInput(
            f"Trường {name} phải là một đối tượng JSON.", {name: "Phải là một đối tượng JSON."}
        )
    return value


def _id_field(body: dict, name: str, default: int | None = None) -> int | None:
    """A whole number that fits an id column (PostgreSQL's integer), or the default."""
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise InvalidInput(
            f"Trường {name} phải là một số nguyên dương.", {name: "Phải là một số nguyên dương."}
        )
    return value


@bp.get("/csrf")
def csrf_token():
    return jsonify({"csrf_token": generate_csrf()})


@bp.post("/dossiers")
def create_dossier():
    actor = signed_in_actor()
    body = _json_body()
    with transaction(db.session):
        dossier = submit_dossier(
            db.session,
            actor,
            str(body.get("procedure_code", "")),
            _object_field(body, "data"),
            channel=_id_field(body, "channel", CHANNEL_ONLINE),
            agency_id=_id_field(body, "agency_id"),
        )
    return jsonify(dossier_json(dossier)), 201


@bp.get("/dossiers/<code>")
def dossier(code: str):
    return jsonify(dossier_json(get_dossier(db.session, signed_in_actor(), code)))


@bp.get("/tasks")
def tasks():
    actor = signed_in_actor()
    page = max(request.args.get("page", 1, type=int), 1)
    return jsonify([task_json(task) for task in list_inbox(db.session, actor, page=page)])


@bp.post("/tasks/<int:task_id>/complete")
def complete(task_id: int):
    actor = signed_in_actor()
    body = _json_body()
    with transaction(db.session):
        task = complete_task(
            db.session,
            actor,
            task_id,
            _object_field(body, "data"),
            expected_version=_id_field(body, "version"),
        )
    return jsonify(dossier_json(task.dossier))


@bp.get("/lookup/<code>")
def lookup(code: str):
    return jsonify(public_dossier_json(lookup_dossier(db.session, code)))
