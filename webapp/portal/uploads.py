"""Reading upload slots from a multipart post."""

from __future__ import annotations

from flask import request

from engine.dossiers.attachments import DocumentSlot


def posted_uploads(slots: list[DocumentSlot]) -> dict[str, tuple[str, bytes]]:
    """Slot code -> (file name, bytes) for every slot a file was chosen for."""
    uploads = {}
    for slot in slots:
        upload = request.files.get(slot.field)
        if upload is not None and upload.filename:
            uploads[slot.code] = (upload.filename, upload.read())
    return uploads


def posted_store_choices(slots: list[DocumentSlot]) -> dict[str, int]:
    """Slot code -> id of the e-document store entry chosen instead of an upload."""
    choices = {}
    for slot in slots:
        value = request.form.get(f"store_{slot.code}", type=int)
        if value:
            choices[slot.code] = value
    return choices


def posted_single_file(name: str) -> tuple[str, bytes] | None:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.read()
