"""The search key: what officers type matches what applicants wrote, diacritics or not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.dossiers.search import search_key
from tests.factories import birth_application, submit


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("nguyen van a", "Nguyễn Văn A"),
        ("NGUYEN VAN A", "Nguyễn Văn A"),
        ("dang thi dieu", "Đặng Thị Diệu"),
        ("do duc", "ĐỖ ĐỨC"),
        ("tran  thi   binh", " Trần Thị Bình "),
        ("ho thi ut", "Hồ Thị Út"),
    ],
)
def test_typed_text_and_written_name_share_one_key(typed, written):
    assert search_key(typed) == search_key(written)


def test_key_keeps_digits_and_code_punctuation():
    assert search_key("000.00.20.H25-261129-0001") == "000.00.20.h25-261129-0001"
    assert search_key(None) == "" and search_key("") == ""


def test_key_is_the_same_for_composed_and_decomposed_input():
    composed = "Nguyễn"
    decomposed = "Nguye\u0302\u0303n"
    assert search_key(composed) == search_key(decomposed) == "nguyen"


def test_submission_fills_the_key_and_a_changed_applicant_refreshes_it(demo, session_factory):
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session, transaction(session):
        dossier = session.get(Dossier, dossier_id)
        assert dossier.search_text == f"{search_key(code)} nguyen van an 074090001234"
        dossier.applicant_name = "Lê Thị Đào"
    with session_factory() as session:
        stored = session.scalar(select(Dossier.search_text).where(Dossier.id == dossier_id))
        assert "le thi dao" in stored and "nguyen" not in stored


def test_counter_submission_keys_the_applicant_written_on_the_form(demo, session_factory):
    officer = demo.actor("motcua")
    (ward,) = officer.agencies_for("reception")
    application = birth_application(
        applicant_full_name="Đỗ Thị Hằng", applicant_id_number="079188000111"
    )
    dossier_id, _ = submit(session_factory, officer, application, channel=1, agency_id=ward)
    with session_factory() as session:
        assert "do thi hang 079188000111" in session.get(Dossier, dossier_id).search_text
