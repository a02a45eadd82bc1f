"""The `motcua` command: init, publish, serve, worker, import-units, backup, restore, audit,
settings."""

from __future__ import annotations

import sys

import click

from engine.db import database_url, make_engine, make_session_factory, transaction


@click.group(help="motcua — hệ thống giải quyết thủ tục hành chính.")
def main() -> None:
    pass


@main.command(help="Create or upgrade the database and load the demo data.")
@click.option("--no-demo", is_flag=True, help="Only migrate; load no demo data.")
def init(no_demo: bool) -> None:
    from engine.demo import DEMO_PASSWORD, load_demo_data
    from engine.deployment import DeploymentRefused
    from engine.schema import upgrade_database

    url = database_url()
    try:
        upgrade_database(url)  # migration secrets_1 seals stored secrets with the settings key
    except DeploymentRefused as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"Cơ sở dữ liệu sẵn sàng: {url}")
    if no_demo:
        return
    session_factory = make_session_factory(make_engine(url))
    with session_factory() as session, transaction(session):
        accounts = load_demo_data(session)
    click.echo(f"Tài khoản thử nghiệm (mật khẩu: {DEMO_PASSWORD}):")
    for account in accounts:
        roles = ", ".join(account.roles) or account.kind
        click.echo(f"  {account.username:10} {account.full_name} ({roles})")


@main.command(help="Validate and publish a procedure package (a folder or a .zip).")
@click.argument("path", type=click.Path(exists=True))
@click.option("--agency", "agency_code", help="Code of the agency that receives the dossiers.")
def publish(path: str, agency_code: str | None) -> None:
    from pathlib import Path

    from engine.procedures.package import load_package_dir, load_package_zip
    from engine.procedures.publishing import PackageRefused, publish_package
    from engine.users.actor import SYSTEM

    source = Path(path)
    package = (
        load_package_zip(source.read_bytes()) if source.is_file() else load_package_dir(source)
    )
    session_factory = make_session_factory(make_engine())
    try:
        with session_factory() as session, transaction(session):
            version = publish_package(session, SYSTEM, package, agency_code=agency_code)
            click.echo(
                f"Đã công bố {version.procedure.code} — {version.procedure.name}, "
                f"phiên bản {version.number} ({version.content_hash[:12]})"
            )
    except PackageRefused as refused:
        click.echo(refused.message, err=True)
        for problem in refused.problems:
            where = problem.element_id or problem.file or "package"
            click.echo(f"  {where}: {problem.message}", err=True)
        sys.exit(1)


@main.command(help="Serve the web app.")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve(host: str, port: int) -> None:
    from engine.deployment import DeploymentRefused
    from webapp import create_app

    try:
        app = create_app()
    except DeploymentRefused as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    app.run(host=host, port=port, threaded=True)


@main.command(help="Run the background worker: BPMN timers and the outbox.")
@click.option("--interval", default=2.0, type=float, help="Seconds between sweeps.")
def worker(interval: float) -> None:
    from engine.deployment import DeploymentRefused
    from engine.worker import run_worker

    try:
        run_worker(interval_seconds=interval)
    except DeploymentRefused as error:
        click.echo(str(error), err=True)
        sys.exit(1)


@main.command("import-units", help="Import or update Vietnam's administrative units.")
@click.option("--province", "province_code", help="Statistical code of one province (e.g. 79).")
def import_units_command(province_code: str | None) -> None:
    """34 provinces and 3,321 communes from the vietnam-provinces package; idempotent."""
    from engine.agencies.administrative_units import data_version, import_units
    from engine.errors import NotFound
    from engine.users.actor import SYSTEM

    session_factory = make_session_factory(make_engine())
    try:
        with session_factory() as session, transaction(session):
            report = import_units(session, SYSTEM, province_code=province_code)
    except NotFound as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    counts = report.counts
    click.echo(f"Nguồn: {data_version()}")
    click.echo(
        f"Thêm mới {counts['created']}, cập nhật {counts['updated']}, "
        f"ngừng hoạt động {counts['retired']}, không đổi {counts['unchanged']}."
    )


@main.command(help="Back up the database and the stored files into one .zip file.")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup(path: str) -> None:
    from pathlib import Path

    from engine.backup.archive import write_backup
    from engine.errors import InvalidInput
    from engine.files.storage import default_storage

    storage = default_storage()
    try:
        with _ProgressBar("Đang sao lưu") as progress:
            summary = write_backup(make_engine(), storage, Path(path), progress)
    except InvalidInput as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(
        f"Đã sao lưu {summary.total_rows} dòng của {len(summary.rows)} bảng và "
        f"{summary.files} tệp (phiên bản lược đồ {summary.revision}) vào {path}"
    )


@main.command(help="Restore a backup .zip into an empty database and file folder.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore(path: str) -> None:
    from pathlib import Path

    from engine.backup.archive import restore_backup
    from engine.errors import InvalidInput
    from engine.files.storage import default_storage
    from engine.schema import upgrade_database

    url = database_url()
    try:
        with _ProgressBar("Đang phục hồi") as progress:
            summary = restore_backup(
                Path(path),
                make_engine(url),
                default_storage(),
                lambda revision: upgrade_database(url, revision),
                progress,
            )
    except InvalidInput as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(
        f"Đã phục hồi {summary.total_rows} dòng của {len(summary.rows)} bảng và "
        f"{summary.files} tệp vào {url}"
    )


class _ProgressBar:
    """A progress bar on stderr for a long backup or restore: `progress(step, done, total)`."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None

    def __enter__(self):
        return self

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.bar is None or self.bar.length != total:
            self.__exit__()
            self.bar = click.progressbar(length=total, label=f"{self.label}", file=sys.stderr)
            self.bar.__enter__()
        self.bar.label = f"{self.label}: {step}"
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.length - self.bar.pos)
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.group(help="The administrators' audit trail.")
def audit() -> None:
    pass


@audit.command("verify", help="Check the audit trail's hash chain; exit 1 if it was altered.")
def audit_verify() -> None:
    from engine.users.audit_chain import verify_admin_audit

    session_factory = make_session_factory(make_engine())
    with session_factory() as session:
        report = verify_admin_audit(session)
    if report.intact:
        click.echo(
            f"Nhật ký quản trị nguyên vẹn: {report.checked} mục, mã băm cuối {report.head_hash}"
        )
        return
    click.echo(
        f"Nhật ký quản trị đã bị thay đổi: {len(report.problems)} vấn đề trong "
        f"{report.checked} mục.",
        err=True,
    )
    for entry_id, problem in report.problems:
        click.echo(f"  mục {entry_id}: {problem}", err=True)
    sys.exit(1)


@main.group(help="Connector settings stored in the database.")
def settings() -> None:
    pass


@settings.command(
    "rotate-key",
    help="Re-encrypt every connector secret with the first key of MOTCUA_SETTINGS_KEY.",
)
def settings_rotate_key() -> None:
    """Put the new key first in MOTCUA_SETTINGS_KEY (old ones after it), run this, then drop
    the old keys."""
    from engine.deployment import DeploymentRefused
    from engine.encryption.cipher import SecretUnreadable
    from engine.encryption.rotation import rotate_secrets

    session_factory = make_session_factory(make_engine())
    try:
        with session_factory() as session, transaction(session):
            report = rotate_secrets(session)
    except (SecretUnreadable, DeploymentRefused) as error:
        click.echo(getattr(error, "message", None) or str(error), err=True)
        click.echo("Không thay đổi gì.", err=True)
        sys.exit(1)
    click.echo(
        f"Đã mã hóa lại bằng khóa đầu tiên: {report.settings} thiết lập bí mật, "
        f"{report.tokens} cặp mã truy cập của kết nối."
    )
