"""Result files: who attaches them, and who sees them when (engine.dossiers.results)."""

from __future__ import annotations

import pytest

from engine.db import transaction
from engine.dossiers.results import attach_result_file, get_result_file, visible_result_files
from engine.errors import InvalidInput, NotFound
from engine.files.storage import FolderStorage
from tests.factories import submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def storage(tmp_path):
    return FolderStorage(tmp_path / "files")


def test_officers_see_a_draft_result_the_applicant_does_not(demo, session_factory, storage):
    citizen, officer = demo.actor("congdan"), demo.actor("thuly")
    reception, stranger = demo.actor("motcua"), demo.actor("thulycn")
    _dossier_id, code = submit(session_factory, citizen)
    with session_factory() as session, transaction(session):
        document_id = attach_result_file(
            session, officer, storage, code, title="", upload=("kq.pdf", PDF)
        ).id
    with session_factory() as session:
        [seen] = visible_result_files(session, reception, code)
        assert (seen.id, seen.document_name) == (document_id, "Kết quả giải quyết")
        assert get_result_file(session, officer, code, document_id).id == document_id
        assert visible_result_files(session, citizen, code) == []
        with pytest.raises(NotFound):
            get_result_file(session, citizen, code, document_id)
        with pytest.raises(NotFound):
            visible_result_files(session, stranger, code)


def test_who_may_attach_is_checked_before_the_missing_file(demo, session_factory, storage):
    citizen, officer, stranger = demo.actor("congdan"), demo.actor("thuly"), demo.actor("thulycn")
    _dossier_id, code = submit(session_factory, citizen)
    with session_factory() as session:
        for refused in (stranger, citizen):
            with pytest.raises(NotFound):
                attach_result_file(session, refused, storage, code, title="", upload=None)
        with pytest.raises(InvalidInput) as missing:
            attach_result_file(session, officer, storage, code, title="", upload=None)
    assert "result_file" in missing.value.field_errors
