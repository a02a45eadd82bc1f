"""Back up a deployment with dossiers, payments, receipts and files; restore it into a new
database and file folder; every table and every file must compare equal. On a PostgreSQL run
the same backup is also restored into SQLite (the archive is portable)."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import psycopg2
import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from engine.backup.archive import backup_tables, read_manifest, restore_backup, write_backup
from engine.backup.rows import encode
from engine.db import make_engine, transaction
from engine.errors import InvalidInput
from engine.files.storage import FolderStorage
from engine.files.uploads import store_upload
from engine.schema import upgrade_database
from tests.unit.processes.test_household_business import submit as submit_household
from tests.unit.webapp.portal.conftest import PDF


def table_contents(engine) -> dict[str, list[dict]]:
    with engine.connect() as connection:
        contents = {}
        for table in backup_tables():
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).mappings()
            contents[table.name] = [{k: encode(v) for k, v in row.items()} for row in rows]
        return contents


def folder_contents(storage: FolderStorage) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in storage.root.glob("??/*")}


@pytest.fixture
def deployment(demo, session_factory, tmp_path):
    """Demo data, a paid household dossier with its receipt, and two stored files."""
    storage = FolderStorage(tmp_path / "files")
    citizen = demo.actor("congdan")
    submit_household(session_factory, citizen)
    with session_factory() as session, transaction(session):
        store_upload(session, citizen, storage, filename="don.pdf", content=PDF)
        store_upload(session, citizen, storage, filename="anh.png", content=PNG_BYTES)
    return storage


@pytest.fixture
def fresh_database(database_url, tmp_path):
    """An empty database of the same kind as the test database."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"motcua_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(
        url.set(database="postgres").render_as_string(hide_password=False).replace("+psycopg2", "")
    )
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    yield url.set(database=name).render_as_string(hide_password=False)
    admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def restore_into(url: str, archive: Path, storage: FolderStorage):
    engine = make_engine(url)
    try:
        restore_backup(archive, engine, storage, lambda revision: upgrade_database(url, revision))
        return table_contents(engine)
    finally:
        engine.dispose()


def test_a_restored_backup_equals_the_original_table_by_table_and_file_by_file(
    deployment, db_engine, fresh_database, tmp_path, is_postgres
):
    archive = tmp_path / "motcua.zip"
    summary = write_backup(db_engine, deployment, archive)
    original = table_contents(db_engine)
    assert summary.rows["dossiers"] == 1 and summary.rows["payments"] == 1
    assert summary.rows["e_receipts"] == 1 and summary.files == 2
    assert read_manifest(archive)["rows"] == {name: len(rows) for name, rows in original.items()}

    restored_files = FolderStorage(tmp_path / "restored-files")
    restored = restore_into(fresh_database, archive, restored_files)
    for name, rows in original.items():
        assert restored[name] == rows, name
    assert folder_contents(restored_files) == folder_contents(deployment)

    if is_postgres:  # the same archive into the embedded database
        into_sqlite = restore_into(
            f"sqlite:///{tmp_path / 'from-postgres.db'}", archive, FolderStorage(tmp_path / "f2")
        )
        assert into_sqlite == original


def test_restored_database_takes_new_rows_after_the_restored_ids(
    deployment, db_engine, fresh_database, tmp_path
):
    from engine.agencies.models import Agency
    from engine.db import make_session_factory

    archive = tmp_path / "motcua.zip"
    write_backup(db_engine, deployment, archive)
    restore_into(fresh_database, archive, FolderStorage(tmp_path / "restored-files"))
    engine = make_engine(fresh_database)
    try:
        with make_session_factory(engine)() as session, transaction(session):
            highest = max(session.scalars(select(Agency.id)))
            agency = Agency(code="000.00.99.H25", name="Phường Mới", level="commune")
            session.add(agency)
            session.flush()
            assert agency.id > highest
    finally:
        engine.dispose()


def test_a_damaged_archive_is_refused_and_changes_nothing(
    deployment, db_engine, fresh_database, tmp_path
):
    archive = tmp_path / "motcua.zip"
    write_backup(db_engine, deployment, archive)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "tables/dossiers.jsonl":
                data = data.replace(b"Nguy", b"Ngoy")
            target.writestr(item, data)

    with pytest.raises(InvalidInput, match=r"bị hỏng: tables/dossiers\.jsonl"):
        restore_into(fresh_database, damaged, FolderStorage(tmp_path / "restored-files"))
    engine = make_engine(fresh_database)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    assert not (tmp_path / "restored-files").exists()


def test_restore_refuses_a_database_that_has_data(deployment, db_engine, database_url, tmp_path):
    archive = tmp_path / "motcua.zip"
    write_backup(db_engine, deployment, archive)
    before = table_contents(db_engine)
    with pytest.raises(InvalidInput, match="Chỉ phục hồi vào cơ sở dữ liệu trống"):
        restore_into(database_url, archive, FolderStorage(tmp_path / "other"))
    assert table_contents(db_engine) == before


def test_the_cli_backs_up_and_restores_with_a_summary(
    deployment, database_url, fresh_database, tmp_path, monkeypatch
):
    from webapp.cli import main

    archive = tmp_path / "cli.zip"
    monkeypatch.setenv("MOTCUA_DATABASE_URL", database_url)
    monkeypatch.setenv("MOTCUA_FILES_DIR", str(deployment.root))
    result = CliRunner().invoke(main, ["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output and "2 tệp" in result.output

    monkeypatch.setenv("MOTCUA_DATABASE_URL", fresh_database)
    monkeypatch.setenv("MOTCUA_FILES_DIR", str(tmp_path / "restored-files"))
    result = CliRunner().invoke(main, ["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Đã phục hồi" in result.output
    again = CliRunner().invoke(main, ["restore", str(archive)])
    assert again.exit_code == 1 and "Chỉ phục hồi vào cơ sở dữ liệu trống" in again.output


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
