"""`motcua backup` and `motcua restore`: one zip file with every table and every stored file.

The archive holds `manifest.json` (format, schema revision, row and file counts, a SHA-256 per
member), `tables/<name>.jsonl` (one row per line, in foreign-key order) and `files/<key>` (the
content-addressed stored files). A restore goes into an empty database only: it migrates it to
the backup's schema revision, checks every member against the manifest before writing anything,
inserts the rows in one transaction, and resets PostgreSQL's id sequences, so a half-restored
database never exists and a damaged archive changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Integer, Table, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from engine.backup.rows import decoder, encode
from engine.db import Base
from engine.errors import InvalidInput
from engine.files.storage import FolderStorage
from engine.models import import_all_models

FORMAT = "motcua-backup/1"
MANIFEST = "manifest.json"
#: rows inserted per statement on restore
BATCH = 500
#: (what is being done, how far, out of how many): for a progress bar
Progress = Callable[[str, int, int], None]


@dataclass
class BackupSummary:
    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def backup_tables() -> list[Table]:
    """Every table of the schema holding data, parents before children."""
    import_all_models()
    return [table for table in Base.metadata.sorted_tables if table.info.get("backup", True)]


def write_backup(
    engine: Engine, storage: FolderStorage, path: Path, progress: Progress | None = None
) -> BackupSummary:
    """Everything in the database and the file store, read in one snapshot, into `path`."""
    tables = backup_tables()
    temporary = path.with_name(path.name + ".part")
    digests: dict[str, str] = {}
    with engine.connect() as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        _refuse_unknown_tables(connection)
        summary = BackupSummary(revision=_revision(connection))
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for done, table in enumerate(tables):
                if progress:
                    progress(table.name, done, len(tables))
                member = f"tables/{table.name}.jsonl"
                summary.rows[table.name] = _write_table(connection, table, archive, member, digests)
            keys = sorted(_stored_keys(storage))
            for done, key in enumerate(keys):
                if progress and done % 100 == 0:
                    progress("files", done, len(keys))
                content = storage.get(key)
                digests[f"files/{key}"] = hashlib.sha256(content).hexdigest()
                archive.writestr(f"files/{key}", content)
            summary.files = len(keys)
            manifest = {
                "format": FORMAT,
                "revision": summary.revision,
                "created_at": datetime.now(UTC).isoformat(),
                "dialect": connection.dialect.name,
                "rows": summary.rows,
                "files": summary.files,
                "sha256": digests,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    temporary.replace(path)
    return summary


def restore_backup(
    path: Path,
    engine: Engine,
    storage: FolderStorage,
    migrate: Callable[[str], None],
    progress: Progress | None = None,
) -> BackupSummary:
    """Restore `path` into the empty database behind `engine`; `migrate(revision)` brings the
    schema to the backup's revision before the rows go in, and to "head" after (Alembic), so a
    backup of an older version gets the newer migrations applied to its data."""
    with zipfile.ZipFile(path) as archive:
        manifest = _read_manifest(archive)
        _verify(archive, manifest)
        with engine.connect() as connection:
            _refuse_non_empty(connection)
        migrate(manifest["revision"])
        tables = backup_tables()
        summary = BackupSummary(revision=manifest["revision"])
        with engine.begin() as connection:
            for done, table in enumerate(tables):
                if progress:
                    progress(table.name, done, len(tables))
                summary.rows[table.name] = _restore_table(connection, table, archive)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection, tables)
        migrate("head")
        file_members = [name for name in archive.namelist() if name.startswith("files/")]
        for done, name in enumerate(file_members):
            if progress and done % 100 == 0:
                progress("files", done, len(file_members))
            key = storage.put(archive.read(name))
            if key != name.removeprefix("files/"):
                raise InvalidInput(f"Tệp {name} trong bản sao lưu không khớp mã băm của nó.")
        summary.files = len(file_members)
    return summary


def read_manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return _read_manifest(archive)


def _write_table(
    connection: Connection,
    table: Table,
    archive: zipfile.ZipFile,
    member: str,
    digests: dict[str, str],
) -> int:
    digest, count = hashlib.sha256(), 0
    order = list(table.primary_key.columns) or list(table.columns)
    rows = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(*order)
    )
    with archive.open(member, "w", force_zip64=True) as out:
        for row in rows.mappings():
            line = json.dumps(
                {key: encode(value) for key, value in row.items()},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            data = (line + "\n").encode("utf-8")
            digest.update(data)
            out.write(data)
            count += 1
    digests[member] = digest.hexdigest()
    return count


def _restore_table(connection: Connection, table: Table, archive: zipfile.ZipFile) -> int:
    member = f"tables/{table.name}.jsonl"
    if member not in archive.namelist():
        return 0
    decoders = {column.name: decoder(column) for column in table.columns}
    count, batch = 0, []
    for row in _lines(archive, member):
        batch.append({key: decoders[key](value) for key, value in row.items() if key in decoders})
        if len(batch) == BATCH:
            connection.execute(table.insert(), batch)
            count, batch = count + len(batch), []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    return count


def _lines(archive: zipfile.ZipFile, member: str) -> Iterator[dict]:
    with archive.open(member) as source:
        for line in source:
            if line.strip():
                yield json.loads(line)


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise InvalidInput("Tệp không phải bản sao lưu motcua (thiếu manifest.json).") from error
    if manifest.get("format") != FORMAT:
        raise InvalidInput(f"Định dạng sao lưu {manifest.get('format')!r} không được hỗ trợ.")
    return manifest


def _verify(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Every member present and unchanged, before anything is written."""
    for member, expected in manifest["sha256"].items():
        digest = hashlib.sha256()
        try:
            with archive.open(member) as source:
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    digest.update(chunk)
        except KeyError as error:
            raise InvalidInput(f"Bản sao lưu thiếu {member}.") from error
        if digest.hexdigest() != expected:
            raise InvalidInput(f"Bản sao lưu bị hỏng: {member} không khớp mã kiểm tra.")


def _revision(connection: Connection) -> str:
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def _refuse_unknown_tables(connection: Connection) -> None:
    """A table the models do not know would be left out silently: refuse instead."""
    known = {table.name for table in Base.metadata.tables.values()} | {"alembic_version"}
    unknown = sorted(set(inspect(connection).get_table_names()) - known)
    if unknown:
        raise InvalidInput(f"Cơ sở dữ liệu có bảng ngoài mô hình: {', '.join(unknown)}.")


def _refuse_non_empty(connection: Connection) -> None:
    names = set(inspect(connection).get_table_names())
    for table in backup_tables():
        if (
            table.name in names
            and connection.execute(select(func.count()).select_from(table)).scalar_one()
        ):
            raise InvalidInput(
                "Chỉ phục hồi vào cơ sở dữ liệu trống: "
                f"bảng {table.name} đã có dữ liệu. Không có gì bị thay đổi."
            )


def _stored_keys(storage: FolderStorage) -> Iterator[str]:
    if not storage.root.exists():
        return
    for path in storage.root.glob("??/*"):
        if path.is_file() and len(path.name) == 64 and path.parent.name == path.name[:2]:
            yield path.name


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Explicit ids were inserted: move each id sequence past them."""
    for table in tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:table, :column), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    ),
                    {"table": table.name, "column": column.name},
                )
