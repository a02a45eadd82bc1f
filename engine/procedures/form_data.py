"""Forms frozen in a procedure version, and validating submitted data against them."""

from __future__ import annotations

from threading import Lock

from engine.errors import InvalidInput
from engine.procedures.models import ProcedureVersion
from forms.definition import FormDefinition, load_form
from forms.validation import drop_hidden_fields, validate_submission

_forms: dict[tuple[str, str], FormDefinition] = {}
_records: dict[tuple[str, str], str | None] = {}
_lock = Lock()


def version_form(version: ProcedureVersion, form_name: str) -> FormDefinition:
    """The version's form, checked once and cached by content hash (versions never change)."""
    key = (version.content_hash, form_name)
    form = _forms.get(key)
    if form is None:
        form = load_form(version.form(form_name))
        with _lock:
            if len(_forms) > 2048:
                _forms.clear()
            _forms[key] = form
    return form


def applicant_form_name(version: ProcedureVersion) -> str | None:
    """The form the applicant fills when submitting (procedure.json `applicant_form`)."""
    key = (version.content_hash, "procedure.json")
    if key not in _records:
        _records[key] = version.procedure_record().get("applicant_form")
    return _records[key]


def validated_form_data(version: ProcedureVersion, form_name: str | None, data: dict) -> dict:
    """The data, if it satisfies the version's form; otherwise InvalidInput with every error."""
    if not form_name:
        return dict(data)
    form = version_form(version, form_name)
    errors = validate_submission(form, data)
    if errors:
        raise InvalidInput("Vui lòng kiểm tra lại các trường được đánh dấu.", errors)
    return drop_hidden_fields(form, data)
