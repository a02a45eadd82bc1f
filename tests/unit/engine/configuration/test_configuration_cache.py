"""A step keeps configuration (connector settings, notice wordings, its procedure, version and
agency, the agency's calendar) between edits, and sees an edit at once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from engine.agencies.administration import amend_agency
from engine.calendar.overrides import add_override
from engine.calendar.working_days import calendar_from_session
from engine.configuration.cache import configuration_changed
from engine.connector_settings.settings import provider_settings, save_setting
from engine.db import transaction
from engine.demo import WARD_CODE
from engine.dossiers.models import Dossier
from engine.dossiers.step import lock_dossier
from engine.dossiers.submission import submit_dossier
from engine.notifications.templates import fingerprint, save_wording, wording_for
from tests.factories import KHAI_SINH, birth_application, submit


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


def _configuration_reads(statements: list[str]) -> list[str]:
    tables = ("FROM procedure_versions", "FROM procedures", "FROM agencies", "agency_chain")
    return [s for s in statements if any(table in s for table in tables)]


def test_a_step_reads_its_procedure_and_agency_once_then_sees_a_rename_at_once(
    demo, session_factory
):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))

    def names_in_a_step(session):
        dossier = lock_dossier(session, dossier_id)
        return dossier.procedure.name, dossier.agency.name, dossier.procedure_version.process_id

    with session_factory() as session, transaction(session):
        configuration_changed(session)  # the submission's copies go: the lock reads afresh
    first, before = _statements(session_factory, names_in_a_step)
    again, cached = _statements(session_factory, names_in_a_step)
    assert _configuration_reads(first)
    assert _configuration_reads(again) == []
    assert cached == before

    admin = demo.actor("quantritinh")
    with session_factory() as session, transaction(session):
        agency_id = session.get(Dossier, dossier_id).agency_id
        amend_agency(session, admin, agency_id, {"name": "UBND phường Mới"})
    _, renamed = _statements(session_factory, names_in_a_step)
    assert renamed == (before[0], "UBND phường Mới", before[2])

    with session_factory() as session, transaction(session):
        procedure = session.get(Dossier, dossier_id).procedure
        procedure.name = "Đăng ký khai sinh (đã sửa)"
    _, edited = _statements(session_factory, names_in_a_step)
    assert edited[0] == "Đăng ký khai sinh (đã sửa)"


def test_a_cached_procedure_record_cannot_be_changed_by_its_reader(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    for _ in range(2):  # the second lock builds the procedure from the cache
        with session_factory() as session, transaction(session):
            record = lock_dossier(session, dossier_id).procedure.record
            record["fees"] = "changed in place"
    with session_factory() as session, transaction(session):
        assert lock_dossier(session, dossier_id).procedure.record.get("fees") != "changed in place"


def test_a_step_sees_a_day_off_entered_since_its_calendar_was_cached(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    day = date(2030, 3, 4)  # a Monday

    def is_working_in_a_step(session):
        dossier = lock_dossier(session, dossier_id)
        return calendar_from_session(session, dossier.agency_id).is_working_day(day)

    _, working = _statements(session_factory, is_working_in_a_step)
    again, still = _statements(session_factory, is_working_in_a_step)
    assert working and still
    assert [s for s in again if "agency_chain" in s] == []
    admin = demo.actor("quantritinh")
    with session_factory() as session, transaction(session):
        add_override(
            session,
            admin,
            day="04/03/2030",
            kind="day_off",
            reason="Nghỉ bù",
            today=date(2030, 1, 1),
        )
    _, after = _statements(session_factory, is_working_in_a_step)
    assert after is False


def test_a_second_submission_finds_its_procedure_version_and_unit_without_reading_them(
    demo, session_factory
):
    def a_submission(session):
        return submit_dossier(session, demo.actor("congdan"), KHAI_SINH, birth_application())

    first, _ = _statements(session_factory, a_submission)
    again, dossier = _statements(session_factory, a_submission)
    units = ("FROM procedure_versions", "FROM procedure_agencies", "FROM agencies")
    assert [s for s in first if any(table in s for table in units)]
    assert [s for s in again if any(table in s for table in units)] == []
    with session_factory() as session:
        assert session.get(Dossier, dossier.id).agency.code == WARD_CODE
