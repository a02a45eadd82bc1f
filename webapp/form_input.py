"""Turning a posted HTML form into typed data for a form definition."""

from __future__ import annotations

from flask import request

from forms.definition import FormDefinition
from forms.validation import coerce_form_input


def posted_data(form: FormDefinition) -> dict:
    return coerce_form_input(form, request.form.to_dict(flat=False))
