"""Validating submitted data against a form frozen in a procedure version."""

from __future__ import annotations

from engine.errors import InvalidInput
from engine.procedures.models import ProcedureVersion
from forms.definition import load_form
from forms.validation import drop_hidden_fields, validate_submission


def validated_form_data(version: ProcedureVersion, form_name: str | None, data: dict) -> dict:
    """The data, if it satisfies the version's form; otherwise InvalidInput with every error."""
    if not form_name:
        return dict(data)
    form = load_form(version.form(form_name))
    errors = validate_submission(form, data)
    if errors:
        raise InvalidInput("Vui lòng kiểm tra lại các trường được đánh dấu.", errors)
    return drop_hidden_fields(form, data)
