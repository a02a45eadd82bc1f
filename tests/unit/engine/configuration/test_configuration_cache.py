"""A step keeps connector settings and notice wordings between edits, and sees an edit at once."""

from __future__ import annotations

from sqlalchemy import event

from engine.connector_settings.settings import provider_settings, save_setting
from engine.db import transaction
from engine.dossiers.step import lock_dossier
from engine.notifications.templates import fingerprint, save_wording, wording_for
from tests.factories import submit


def _statements(session_factory, work) -> list[str]:
    seen: list[str] = []

    def listen(conn, cursor, statement, *args):
        seen.append(statement)

    with session_factory() as session, transaction(session):
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", listen)
        try:
            result = work(session)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
    return seen, result


def test_a_step_reads_settings_once_then_from_the_cache_until_an_edit(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    admin = demo.actor("quantritinh")

    def settings_in_a_step(session):
        lock_dossier(session, dossier_id)
        return provider_settings(session, "vnpay")

    first, before = _statements(session_factory, settings_in_a_step)
    again, cached = _statements(session_factory, settings_in_a_step)
    assert any("connector_settings" in s for s in first)
    assert not any("connector_settings" in s for s in again)
    assert cached == before and "tmn_code" not in cached

    with session_factory() as session, transaction(session):
        save_setting(
            session, admin, provider="vnpay", key="tmn_code", value="MOTCUA01", is_secret=False
        )
    edited, after = _statements(session_factory, settings_in_a_step)
    assert any("connector_settings" in s for s in edited)
    assert after["tmn_code"] == "MOTCUA01"


def test_a_cached_value_cannot_be_changed_by_its_reader(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session, transaction(session):
        lock_dossier(session, dossier_id)
        provider_settings(session, "email")["smtp_host"] = "attacker.example"
        assert "smtp_host" not in provider_settings(session, "email")


def test_an_edited_wording_reaches_the_next_step_of_any_session(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session, transaction(session):
        lock_dossier(session, dossier_id)
        shipped = wording_for(session, "received")
    fields = {
        "subject": "Đã tiếp nhận hồ sơ {ma_ho_so}",
        "body": "Hồ sơ {ma_ho_so} đã được tiếp nhận: nội dung mới.",
        "short_text": "Hồ sơ {ma_ho_so} đã được tiếp nhận.",
    }
    with session_factory() as session, transaction(session):
        save_wording(
            session, demo.actor("quantritinh"), "received", fields, previewed=fingerprint(fields)
        )
    with session_factory() as session, transaction(session):
        lock_dossier(session, dossier_id)
        edited = wording_for(session, "received")
    assert edited.body == fields["body"] != shipped.body


def test_without_a_step_lock_every_read_goes_to_the_database(demo, session_factory):
    def plain_read(session):
        return provider_settings(session, "email")

    first, _ = _statements(session_factory, plain_read)
    again, _ = _statements(session_factory, plain_read)
    assert any("connector_settings" in s for s in first)
    assert any("connector_settings" in s for s in again)
