"""`motcua import-units` prints what it created, and a second run changes nothing."""

from __future__ import annotations

from click.testing import CliRunner

from webapp.cli import main


def test_import_one_province_twice(database_url, session_factory, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATABASE_URL", database_url)
    runner = CliRunner()
    first = runner.invoke(main, ["import-units", "--province", "4"])
    assert first.exit_code == 0, first.output
    assert "Thêm mới 57, cập nhật 0, ngừng hoạt động 0, không đổi 0." in first.output
    second = runner.invoke(main, ["import-units", "--province", "4"])
    assert "Thêm mới 0, cập nhật 0, ngừng hoạt động 0, không đổi 57." in second.output
    unknown = runner.invoke(main, ["import-units", "--province", "99"])
    assert unknown.exit_code == 1
    assert "Không có tỉnh, thành phố mã 99 trong dữ liệu." in unknown.output
