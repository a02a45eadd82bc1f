"""What the API returns, as marshmallow schemas."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.dossiers.statuses import status_label


class DossierSchema(Schema):
    code = fields.String()
    procedure_code = fields.Function(lambda dossier: dossier.procedure.code)
    status = fields.String()
    status_label = fields.Function(lambda dossier: status_label(dossier.status))
    national_status = fields.Integer()
    channel = fields.Integer()
    applicant_name = fields.String()
    received_at = fields.AwareDateTime(allow_none=True)
    due_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)
    returned_at = fields.AwareDateTime(allow_none=True)
    timing = fields.String(allow_none=True)


class TaskSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    role = fields.String()
    version = fields.Integer()
    form_name = fields.String(allow_none=True)
    due_at = fields.AwareDateTime(allow_none=True)
    dossier_code = fields.String(attribute="dossier.code")


class PublicStepSchema(Schema):
    at = fields.AwareDateTime()
    status_label = fields.String()


class PublicDossierSchema(Schema):
    code = fields.String()
    procedure_name = fields.String()
    agency_name = fields.String()
    status_label = fields.String()
    national_status = fields.Integer()
    received_at = fields.AwareDateTime(allow_none=True)
    due_at = fields.AwareDateTime(allow_none=True)
    returned_at = fields.AwareDateTime(allow_none=True)
    steps = fields.List(fields.Nested(PublicStepSchema))


def dossier_json(dossier) -> dict:
    return DossierSchema().dump(dossier)


def task_json(task) -> dict:
    return TaskSchema().dump(task)


def public_dossier_json(view) -> dict:
    return PublicDossierSchema().dump(view)
